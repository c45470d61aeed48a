package supervisor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
)

// Start starts a created or stopped container.
func (s *Supervisor) Start(ctx context.Context, name string) error {
	c, err := s.store.Get(name)
	if err != nil {
		return err
	}
	unlock := s.store.Lock(c.ID)
	defer unlock()
	if c, err = s.store.Get(c.ID); err != nil {
		return err
	}
	switch c.State.Status {
	case container.Running, container.Restarting:
		return errdefs.ErrNotModified.WithMessage("container already started")
	case container.Paused:
		return errdefs.ErrConflict.WithMessage("cannot start a paused container, try unpause instead")
	case container.Removing, container.Dead:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is marked for removal and cannot be started", c.ID))
	}
	if err := s.startLocked(ctx, c, false); err != nil {
		s.startFailed(c)
		return err
	}
	return nil
}

// startFailed releases what waits on a start that did not happen: attached
// clients, and with --rm the container itself, which Docker removes so that
// a client waiting for its removal is answered.
func (s *Supervisor) startFailed(c *container.Container) {
	s.pending.fail(c.ID)
	if c.HostConfig.AutoRemove && s.cfg.Remove != nil {
		go func() {
			if err := s.cfg.Remove(context.Background(), c.ID); err != nil && !errdefs.IsNotFound(err) {
				slog.Warn("removing a --rm container whose start failed", "container", c.ID, "error", err)
			}
		}()
	}
}

// startLocked runs one generation of a container's process; the caller
// holds its lock. byPolicy says the restart policy, not a client, asked.
func (s *Supervisor) startLocked(ctx context.Context, c *container.Container, byPolicy bool) (err error) {
	run, err := s.cfg.Environment.Prepare(ctx, c)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil && run.Abort != nil {
			run.Abort()
		}
	}()
	task, pid, err := s.cfg.Runtime.Create(ctx, run.Create)
	if err != nil {
		code, classified := startError(err)
		s.updateOrLog(c.ID, func(c *container.Container) error {
			c.State.SetStartFailed(code, classified.Error(), time.Now().UTC())
			return nil
		})
		return classified
	}
	if run.Ready != nil {
		if err := run.Ready(); err != nil {
			task.Kill(ctx, syscall.SIGKILL, true)
			return err
		}
	}
	s.tasks.set(c.ID, task)
	s.pending.connect(c.ID, task)
	if err := task.Start(ctx); err != nil {
		task.Kill(ctx, syscall.SIGKILL, true)
		s.tasks.drop(c.ID)
		return fmt.Errorf("starting container: %w", err)
	}
	c, err = s.store.Update(c.ID, func(c *container.Container) error {
		if err := c.State.SetRunning(pid, time.Now().UTC()); err != nil {
			return err
		}
		c.Generation++
		if _, _, ok := container.HealthProbe(c.Config); ok {
			c.State.StartHealth()
		}
		if !byPolicy {
			c.RestartCount = 0
			c.ManuallyStopped = false
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.event(c, events.ActionStart, nil)
	go s.monitor(c.ID, c.Generation, task)
	s.startHealth(c, task)
	return nil
}

// crunNotFound is crun's wording for a missing command; runc says it as
// Docker does.
var crunNotFound = regexp.MustCompile("executable file `([^`]*)` not found in \\$PATH")

// startError turns a runtime's refusal into Docker's words and class, and
// the exit code the docker CLI derives from the same words: 127 for a
// command that does not exist, 126 for one that cannot be executed.
func startError(err error) (int, error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 128, err // the caller gave up: no runtime words to translate
	}
	msg := err.Error()
	if m := crunNotFound.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("exec: %q: executable file not found in $PATH", m[1])
	}
	msg = "failed to create task for container: OCI runtime create failed: " + msg
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "executable file not found"), strings.Contains(lower, "no such file or directory"):
		return 127, errdefs.ErrInvalidArgument.WithMessage(msg)
	case strings.Contains(lower, "permission denied"):
		return 126, errdefs.ErrInvalidArgument.WithMessage(msg)
	}
	return 128, errdefs.ErrUnknown.WithMessage(msg)
}
