package supervisor

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Pause freezes every process of a container.
func (s *Supervisor) Pause(ctx context.Context, name string) error {
	return s.pauseResume(ctx, name, true)
}

// Resume thaws a paused container.
func (s *Supervisor) Resume(ctx context.Context, name string) error {
	return s.pauseResume(ctx, name, false)
}

func (s *Supervisor) pauseResume(ctx context.Context, name string, pause bool) error {
	c, err := s.store.Get(name)
	if err != nil {
		return err
	}
	unlock := s.store.Lock(c.ID)
	defer unlock()
	if c, err = s.store.Get(c.ID); err != nil {
		return err
	}
	switch {
	case !c.State.IsRunning():
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not running", c.ID))
	case pause && c.State.Status == container.Paused:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is already paused", c.ID))
	case !pause && c.State.Status != container.Paused:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not paused", c.ID))
	}
	task, err := s.task(c)
	if err != nil {
		return err
	}
	action := events.ActionPause
	if pause {
		// Docker checks no health while paused.
		s.stopHealth(c.ID)
		err = task.Pause(ctx)
	} else {
		err = task.Resume(ctx)
		action = events.ActionUnPause
	}
	if err != nil {
		if pause && c.State.Status == container.Running {
			s.startHealth(c, task) // still running: keep checking
		}
		return err
	}
	updated, err := s.store.Update(c.ID, func(c *container.Container) error {
		if pause {
			c.State.StopHealth()
			return c.State.SetPaused()
		}
		return c.State.SetUnpaused()
	})
	if err != nil {
		return err
	}
	if !pause {
		s.startHealth(updated, task)
	}
	s.event(c, action, nil)
	return nil
}

// task is c's live task, or Docker's conflict for a container that has
// none.
func (s *Supervisor) task(c *container.Container) (Task, error) {
	if t := s.tasks.get(c.ID); t != nil {
		return t, nil
	}
	return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not running", c.ID))
}

// Freeze pauses a running container for a consistent read of its files
// (commit's pause=true) and returns how to thaw it; a container that is not
// running is left as it is.
func (s *Supervisor) Freeze(ctx context.Context, c *container.Container) (thaw func(), err error) {
	task := s.tasks.get(c.ID)
	if task == nil || c.State.Status != container.Running {
		return func() {}, nil
	}
	n, _ := s.frozen.LoadOrStore(c.ID, new(atomic.Int32))
	n.(*atomic.Int32).Add(1)
	if err := task.Pause(ctx); err != nil {
		n.(*atomic.Int32).Add(-1)
		return nil, fmt.Errorf("pausing the container: %w", err)
	}
	return func() {
		task.Resume(context.WithoutCancel(ctx))
		n.(*atomic.Int32).Add(-1)
	}, nil
}

// freezing says whether a freeze of container id is under way.
func (s *Supervisor) freezing(id string) bool {
	n, ok := s.frozen.Load(id)
	return ok && n.(*atomic.Int32).Load() > 0
}

// UpdateResources applies new limits to a running container.
func (s *Supervisor) UpdateResources(ctx context.Context, c *container.Container, res *specs.LinuxResources) error {
	task, err := s.task(c)
	if err != nil {
		return err
	}
	return task.Update(ctx, res)
}

// Pids lists a running container's processes.
func (s *Supervisor) Pids(ctx context.Context, c *container.Container) ([]int, error) {
	task, err := s.task(c)
	if err != nil {
		return nil, err
	}
	return task.Pids(ctx)
}
