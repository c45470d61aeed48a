package daemon

import (
	"context"
	"log/slog"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/shim"
	apicontainer "github.com/moby/moby/api/types/container"
)

// restoreContainers reconnects to the shims of containers that ran when
// the previous berthd stopped, records the exits that happened meanwhile,
// finishes interrupted removals, and starts what the restart policies say
// a daemon start should start.
func (d *Daemon) restoreContainers(ctx context.Context) {
	for _, c := range d.containers.List() {
		switch c.State.Status {
		case container.Removing, container.Dead:
			if err := d.cleanupContainer(ctx, c); err == nil {
				d.containers.Delete(c.ID)
			}
			continue
		case container.Running, container.Paused:
			d.reconnect(ctx, c)
		case container.Restarting:
			go d.restartByPolicy(c.ID)
		}
	}
	for _, c := range d.containers.List() {
		if c.State.Status != container.Exited && c.State.Status != container.Created {
			continue
		}
		p := c.HostConfig.RestartPolicy.Name
		if c.State.StartedAt.IsZero() || !(p == apicontainer.RestartPolicyAlways || (p == apicontainer.RestartPolicyUnlessStopped && !c.ManuallyStopped)) {
			continue
		}
		if err := d.ContainerStart(ctx, c.ID); err != nil {
			slog.Warn("restart policy: starting container at daemon start", "container", c.ID, "error", err)
		}
	}
}

// reconnect takes a running container back: its shim still runs (live
// restore), or it has exited and left its status in the exit file.
func (d *Daemon) reconnect(ctx context.Context, c *container.Container) {
	if cl, err := shim.Dial(d.shimSocket(c.ID)); err == nil {
		if st, err := cl.State(ctx); err == nil && (st.Status == "running" || st.Status == "paused") {
			d.shims.set(c.ID, cl)
			go d.monitor(c.ID, c.Generation, cl)
			slog.Debug("reconnected to running container", "container", c.ID, "pid", st.Pid)
			return
		}
	}
	st, err := shim.ReadExitFile(d.exitFile(c.ID))
	if err != nil {
		// Neither shim nor exit file: the host rebooted, or the shim was
		// killed before it could write. The status is unknown.
		st = shim.ExitStatus{ExitCode: 255, ExitedAt: time.Now().UTC()}
	}
	d.handleExit(c.ID, c.Generation, st)
}
