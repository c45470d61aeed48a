package daemon

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/jsonlog"
	"github.com/containerd/errdefs"
)

// ContainerLogs reads the container's json-file log.
func (d *Daemon) ContainerLogs(ctx context.Context, name string, opts backend.LogsOptions) (<-chan backend.LogMessage, bool, error) {
	c, err := d.containers.Get(name)
	if err != nil {
		return nil, false, err
	}
	if c.HostConfig.LogConfig.Type == "none" {
		return nil, false, errdefs.ErrNotImplemented.WithMessage("configured logging driver does not support reading")
	}
	ro, err := readOptions(opts)
	if err != nil {
		return nil, false, err
	}
	stop := make(chan struct{})
	if ro.Follow {
		if exited, running := d.sup.WaitExit(c.ID); running {
			go func() {
				select {
				case <-exited:
				case <-ctx.Done():
				}
				close(stop)
			}()
		} else {
			close(stop)
		}
	}
	entries, _ := jsonlog.Read(ctx, d.logPath(c.ID), ro, stop)
	out := make(chan backend.LogMessage, 64)
	go func() {
		defer close(out)
		for e := range entries {
			if (e.Stream == "stderr" && !opts.Stderr) || (e.Stream != "stderr" && !opts.Stdout) {
				continue
			}
			select {
			case out <- backend.LogMessage{Stream: e.Stream, Line: e.Line, Time: e.Time}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, c.Config.Tty, nil
}

func readOptions(opts backend.LogsOptions) (jsonlog.ReadOptions, error) {
	ro := jsonlog.ReadOptions{Tail: -1, Follow: opts.Follow}
	now := time.Now()
	var err error
	if opts.Since != "" && opts.Since != "0" {
		if ro.Since, err = filters.ParseTimestamp(opts.Since, now); err != nil {
			return ro, err
		}
	}
	if opts.Until != "" && opts.Until != "0" {
		if ro.Until, err = filters.ParseTimestamp(opts.Until, now); err != nil {
			return ro, err
		}
	}
	if opts.Tail != "" && opts.Tail != "all" {
		n, err := strconv.Atoi(opts.Tail)
		if err != nil || n < 0 {
			ro.Tail = -1 // Docker treats a bad tail as "all"
		} else {
			ro.Tail = n
		}
	}
	return ro, nil
}

// replayLogs writes what the log holds, for attach with logs=1.
func (d *Daemon) replayLogs(ctx context.Context, c *container.Container, opts backend.AttachOptions, stdout, stderr io.Writer) {
	entries, _ := jsonlog.Read(ctx, d.logPath(c.ID), jsonlog.ReadOptions{Tail: -1}, nil)
	for e := range entries {
		switch {
		case e.Stream == "stderr" && opts.Stderr && stderr != nil:
			stderr.Write(e.Line)
		case e.Stream != "stderr" && opts.Stdout && stdout != nil:
			stdout.Write(e.Line)
		}
	}
}
