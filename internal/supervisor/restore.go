package supervisor

import (
	"context"
	"log/slog"

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
