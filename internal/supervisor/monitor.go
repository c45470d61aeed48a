package supervisor

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/moby/moby/api/types/events"
)

// monitor waits for the end of one run (generation) of a container.
func (s *Supervisor) monitor(id string, gen int, task Task) {
	st, err := task.Wait(context.Background())
	if err != nil {
		if s.shuttingDown() {
			return // the next daemon finds the task or its exit record
		}
		st = s.lastExit(id)
	}
	s.handleExit(id, gen, st)
}

// lastExit is how a container whose task is gone ended, from its exit
// record; without one the status is unknown (255).
func (s *Supervisor) lastExit(id string) Exit {
	st, err := s.cfg.Runtime.LastExit(id)
	if err != nil {
		slog.Warn("container ended without an exit status", "container", id, "error", err)
		st = Exit{Code: 255, At: time.Now().UTC()}
	}
	return st
}

// handleExit records the end of a run, then restarts, removes or just
// leaves the container as its configuration says.
func (s *Supervisor) handleExit(id string, gen int, st Exit) {
	unlock := s.store.Lock(id)
	c, err := s.store.Get(id)
	if err != nil || c.Generation != gen || !c.State.IsRunning() {
		unlock()
		return
	}
	s.tasks.drop(id)
	s.stopHealth(id)
	at := st.At
	if at.IsZero() {
		at = time.Now().UTC()
	}
	restart, delay := s.backoff.decide(c, st.Code, at)
	if !restart {
		// Released before the exit is recorded: a client that sees the
		// exit finds the endpoints and mounts gone, and a daemon killed in
		// between finds the record still running and releases again.
		s.cfg.Environment.Release(context.Background(), c)
	}
	c, err = s.store.Update(id, func(c *container.Container) error {
		c.State.StopHealth()
		if restart {
			c.State.SetRestarting(st.Code, at)
			c.RestartCount++
		} else {
			c.State.SetExited(st.Code, st.OOMKilled, at, "")
		}
		return nil
	})
	if err != nil {
		unlock()
		slog.Error("recording a container's exit", "container", id, "error", err)
		return
	}
	unlock()

	if st.OOMKilled {
		s.event(c, events.ActionOOM, nil)
	}
	s.event(c, events.ActionDie, map[string]string{"exitCode": strconv.Itoa(st.Code)})
	s.waits.notifyExit(id, st.Code, "")
	switch {
	case restart:
		time.AfterFunc(delay, func() { s.restartByPolicy(id) })
	case c.HostConfig.AutoRemove && s.cfg.Remove != nil && !s.restarting(id):
		if err := s.cfg.Remove(context.Background(), id); err != nil {
			slog.Warn("auto-removing container", "container", id, "error", err)
		}
	}
}

// restarting reports whether a Restart is stopping container id.
func (s *Supervisor) restarting(id string) bool {
	_, ok := s.restarts.Load(id)
	return ok
}

// restartByPolicy starts a container again after its back-off delay,
// unless someone stopped or removed it meanwhile.
func (s *Supervisor) restartByPolicy(id string) {
	unlock := s.store.Lock(id)
	defer unlock()
	c, err := s.store.Get(id)
	if err != nil || c.State.Status != container.Restarting {
		return
	}
	if err := s.startLocked(context.Background(), c, true); err != nil {
		slog.Warn("restart policy could not start the container", "container", id, "error", err)
		s.updateOrLog(id, func(c *container.Container) error {
			c.State.SetExited(c.State.ExitCode, false, time.Now().UTC(), err.Error())
			return nil
		})
		s.cfg.Environment.Release(context.Background(), c)
		s.waits.notifyExit(id, c.State.ExitCode, err.Error())
		return
	}
	s.event(c, events.ActionRestart, nil)
}
