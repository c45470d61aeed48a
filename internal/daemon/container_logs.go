package daemon

import (
	"context"
	"io"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/jsonlog"
)

// ContainerLogs reads the container's json-file log (see supervisor.Logs).
func (d *Daemon) ContainerLogs(ctx context.Context, name string, opts backend.LogsOptions) (<-chan backend.LogMessage, bool, error) {
	c, err := d.containers.Get(name)
	if err != nil {
		return nil, false, err
	}
	out, err := d.sup.Logs(ctx, c, d.logPath(c.ID), opts)
	if err != nil {
		return nil, false, err
	}
	return out, c.Config.Tty, nil
}

// replayLogs writes what the log holds, for attach with logs=1.
func (d *Daemon) replayLogs(ctx context.Context, c *container.Container, opts backend.AttachOptions, stdout, stderr io.Writer) {
	if !opts.Stdout {
		stdout = nil
	}
	if !opts.Stderr {
		stderr = nil
	}
	jsonlog.Replay(ctx, d.logPath(c.ID), stdout, stderr)
}
