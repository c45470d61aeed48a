package daemon

import (
	"context"
	"io"
	"log/slog"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/supervisor"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// The container life cycle is the supervisor's; these adapt it to the
// router's backend.

func (d *Daemon) ContainerStart(ctx context.Context, name string) error {
	return d.sup.Start(ctx, name)
}

func (d *Daemon) ContainerStop(ctx context.Context, name string, opts backend.StopOptions) error {
	return d.sup.Stop(ctx, name, opts)
}

func (d *Daemon) ContainerRestart(ctx context.Context, name string, opts backend.StopOptions) error {
	return d.sup.Restart(ctx, name, opts)
}

func (d *Daemon) ContainerKill(ctx context.Context, name, sig string) error {
	return d.sup.Kill(ctx, name, sig)
}

func (d *Daemon) ContainerPause(ctx context.Context, name string) error {
	return d.sup.Pause(ctx, name)
}

func (d *Daemon) ContainerUnpause(ctx context.Context, name string) error {
	return d.sup.Resume(ctx, name)
}

func (d *Daemon) ContainerWait(ctx context.Context, name string, cond apicontainer.WaitCondition) (<-chan apicontainer.WaitResponse, error) {
	return d.sup.Wait(ctx, name, cond)
}

func (d *Daemon) ContainerAttach(ctx context.Context, name string, opts backend.AttachOptions) error {
	return d.sup.Attach(ctx, name, supervisor.AttachOptions{AttachOptions: opts,
		Replay: func(ctx context.Context, c *container.Container, stdout, stderr io.Writer) {
			d.replayLogs(ctx, c, opts, stdout, stderr)
		}})
}

func (d *Daemon) ContainerResize(ctx context.Context, name string, height, width uint) error {
	return d.sup.Resize(ctx, name, height, width)
}

func (d *Daemon) ExecCreate(ctx context.Context, name string, req *apicontainer.ExecCreateRequest) (string, error) {
	return d.sup.ExecCreate(ctx, name, req)
}

func (d *Daemon) ExecStart(ctx context.Context, id string, opts backend.ExecStartOptions) error {
	return d.sup.ExecStart(ctx, id, opts)
}

func (d *Daemon) ExecResize(ctx context.Context, id string, height, width uint) error {
	return d.sup.ExecResize(ctx, id, height, width)
}

func (d *Daemon) ExecInspect(ctx context.Context, id string) (*apicontainer.ExecInspectResponse, error) {
	return d.sup.ExecInspect(ctx, id)
}

// logContainerEvent publishes a container event with Docker's attributes:
// name, image and the container's labels.
func (d *Daemon) logContainerEvent(c *container.Container, action events.Action, extra map[string]string) {
	attrs := map[string]string{"name": c.Name, "image": c.Config.Image}
	for k, v := range c.Config.Labels {
		attrs[k] = v
	}
	for k, v := range extra {
		attrs[k] = v
	}
	d.events.Log(events.ContainerEventType, action, events.Actor{ID: c.ID, Attributes: attrs})
}

// updateOrLog records a state change on a path that is already handling a
// failure (the caller returns that failure); a store error on top of it
// can only be logged.
func (d *Daemon) updateOrLog(id string, fn func(*container.Container) error) {
	if _, err := d.containers.Update(id, fn); err != nil {
		slog.Error("recording container state", "container", id, "error", err)
	}
}
