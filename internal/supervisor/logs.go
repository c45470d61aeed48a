package supervisor

import (
	"context"
	"strconv"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/jsonlog"
	"github.com/containerd/errdefs"
)

// Logs reads container c's json-file log at path. Following, it ends once
// the current run exits (after what the run wrote) or ctx ends.
func (s *Supervisor) Logs(ctx context.Context, c *container.Container, path string, opts backend.LogsOptions) (<-chan backend.LogMessage, error) {
	if c.HostConfig.LogConfig.Type == "none" {
		return nil, errdefs.ErrNotImplemented.WithMessage("configured logging driver does not support reading")
	}
	ro, err := readOptions(opts)
	if err != nil {
		return nil, err
	}
	stop := make(chan struct{})
	if ro.Follow {
		if exited, running := s.WaitExit(c.ID); running {
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
	entries, _ := jsonlog.Read(ctx, path, ro, stop)
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
	return out, nil
}

// readOptions turns the API's since, until and tail into the reader's.
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
