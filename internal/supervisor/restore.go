package supervisor

import (
	"context"
	"log/slog"
	"syscall"
	"time"

	"github.com/berth/berth/internal/container"
	apicontainer "github.com/moby/moby/api/types/container"
)

// Restore takes over the containers a previous daemon ran: it reconnects
// to the tasks that still run (live restore), records the exits that
// happened meanwhile, and starts what the restart policies say a daemon
// start should start. Containers being removed are the caller's.
func (s *Supervisor) Restore(ctx context.Context) {
	for _, c := range s.store.List() {
		switch c.State.Status {
		case container.Running, container.Paused:
			s.reconnect(ctx, c)
		case container.Restarting:
			go s.restartByPolicy(c.ID)
		case container.Created, container.Exited:
			s.adoptOrReap(ctx, c)
		}
	}
	for _, c := range s.store.List() {
		if c.State.Status != container.Exited && c.State.Status != container.Created {
			continue
		}
		p := c.HostConfig.RestartPolicy.Name
		if c.State.StartedAt.IsZero() || !(p == apicontainer.RestartPolicyAlways || (p == apicontainer.RestartPolicyUnlessStopped && !c.ManuallyStopped)) {
			continue
		}
		if err := s.Start(ctx, c.ID); err != nil {
			slog.Warn("restart policy: starting container at daemon start", "container", c.ID, "error", err)
		}
	}
}

// reconnect takes a running container back: its task still runs, or it
// has exited and left its status in its exit record.
func (s *Supervisor) reconnect(ctx context.Context, c *container.Container) {
	if task, err := s.cfg.Runtime.Connect(ctx, c.ID); err == nil {
		if st, err := task.State(ctx); err == nil && (st.Status == "running" || st.Status == "paused") {
			c = s.reconcilePause(ctx, c, task, st.Status)
			s.tasks.set(c.ID, task)
			go s.monitor(c.ID, c.Generation, task)
			s.restartHealth(c, task)
			slog.Debug("reconnected to running container", "container", c.ID, "pid", st.Pid)
			return
		}
	}
	// Without an exit record either, the host rebooted or the shim was
	// killed before it could write: the status is unknown.
	s.handleExit(c.ID, c.Generation, s.lastExit(c.ID))
}

// adoptOrReap handles a task of a container recorded as not running: a
// daemon killed during a start leaves one behind. A task that runs was
// started (start comes after the network is ready) and only its record is
// missing: the container is running, so it is recorded so and monitored.
// A task the runtime created but never started is killed and cleaned up.
func (s *Supervisor) adoptOrReap(ctx context.Context, c *container.Container) {
	task, err := s.cfg.Runtime.Connect(ctx, c.ID)
	if err != nil {
		// No task, but a start cut short before the task existed (or a
		// release cut short) may have left the rest of a run.
		s.releaseLeftovers(ctx, c)
		return
	}
	st, err := task.State(ctx)
	if err == nil && (st.Status == "running" || st.Status == "paused") {
		c, err = s.store.Update(c.ID, func(c *container.Container) error {
			if err := c.State.SetRunning(st.Pid, time.Now().UTC()); err != nil {
				return err
			}
			c.Generation++
			if st.Status == "paused" {
				return c.State.SetPaused()
			}
			return nil
		})
		if err == nil {
			s.tasks.set(c.ID, task)
			go s.monitor(c.ID, c.Generation, task)
			s.restartHealth(c, task)
			slog.Info("took over a container whose start the previous daemon did not record", "container", c.ID, "pid", st.Pid)
			return
		}
		slog.Warn("recording a started container", "container", c.ID, "error", err)
	}
	task.Kill(ctx, syscall.SIGKILL, true)
	waitCtx, cancel := context.WithTimeout(ctx, exitRecordTimeout)
	defer cancel()
	if _, err := task.Wait(waitCtx); err != nil {
		slog.Warn("waiting for an unstarted task to go", "container", c.ID, "error", err)
	}
	s.cfg.Environment.Release(ctx, c)
	slog.Info("removed a task the previous daemon created but never started", "container", c.ID)
}

// restartHealth checks the health of a container taken over from the
// previous daemon afresh, as Docker: starting again, no failures counted;
// a paused one is probed once it is unpaused.
func (s *Supervisor) restartHealth(c *container.Container, task Task) {
	if _, _, ok := container.HealthProbe(c.Config); !ok {
		return
	}
	updated, err := s.store.Update(c.ID, func(c *container.Container) error {
		c.State.StartHealth()
		return nil
	})
	if err != nil {
		slog.Warn("resetting a container's health", "container", c.ID, "error", err)
		return
	}
	if updated.State.Status == container.Running {
		s.startHealth(updated, task)
	}
}

// releaseLeftovers takes down what a container that does not run still
// holds of a run: its rootfs mount, bundle, network, cgroups.
func (s *Supervisor) releaseLeftovers(ctx context.Context, c *container.Container) {
	if s.cfg.Leftovers == nil || len(s.cfg.Leftovers.Find(c)) == 0 {
		return
	}
	s.cfg.Environment.Release(ctx, c)
	if err := s.cfg.Leftovers.Remove(ctx, c); err != nil {
		slog.Warn("releasing what an interrupted run left", "container", c.ID, "error", err)
		return
	}
	slog.Info("released what an interrupted run left", "container", c.ID)
}

// reconcilePause makes a container's record and its task agree on being
// paused. A task frozen under a record that says running was frozen by a
// commit (or a pause) the previous daemon did not live to finish: it is
// thawed, since nobody asked for it to stay paused. A record that says
// paused over a running task is an unpause whose record was lost.
func (s *Supervisor) reconcilePause(ctx context.Context, c *container.Container, task Task, taskStatus string) *container.Container {
	switch {
	case c.State.Status == container.Running && taskStatus == "paused":
		if err := task.Resume(ctx); err != nil {
			slog.Warn("thawing a container left frozen", "container", c.ID, "error", err)
			return c
		}
		slog.Info("thawed a container the previous daemon left frozen", "container", c.ID)
	case c.State.Status == container.Paused && taskStatus == "running":
		updated, err := s.store.Update(c.ID, func(c *container.Container) error { return c.State.SetUnpaused() })
		if err != nil {
			slog.Warn("recording a container as running", "container", c.ID, "error", err)
			return c
		}
		return updated
	}
	return c
}
