package daemon

import (
	"context"
	"fmt"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/spec"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// ContainerUpdate changes a container's resource limits and restart
// policy. A running container gets the new limits at once through its
// runtime; any container keeps them for its next start.
func (d *Daemon) ContainerUpdate(ctx context.Context, name string, cfg *apicontainer.UpdateConfig) (apicontainer.UpdateResponse, error) {
	resp := apicontainer.UpdateResponse{Warnings: []string{}}
	if cfg == nil {
		return resp, nil
	}
	res := cfg.Resources
	warnings, err := container.CheckUpdate(&res, cfg.RestartPolicy)
	resp.Warnings = append(resp.Warnings, warnings...)
	if err != nil {
		return resp, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	c, err := d.containers.Get(name)
	if err != nil {
		return resp, err
	}
	unlock := d.containers.Lock(c.ID)
	defer unlock()
	var before *apicontainer.HostConfig // to put back if the runtime refuses
	c, err = d.containers.Update(c.ID, func(c *container.Container) error {
		if c.State.Status == container.Removing || c.State.Status == container.Dead {
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Cannot update container %s: container is marked for removal and cannot be \"update\"", c.ID))
		}
		before = c.HostConfig
		hc := *c.HostConfig
		if err := container.MergeUpdate(&hc, res, cfg.RestartPolicy); err != nil {
			return fmt.Errorf("Cannot update container %s: %w", c.ID, err)
		}
		c.HostConfig = &hc
		return nil
	})
	if err != nil {
		return resp, err
	}
	if c.State.Status == container.Running || c.State.Status == container.Paused {
		if err := d.applyResources(ctx, c, res); err != nil {
			d.updateOrLog(c.ID, func(c *container.Container) error { c.HostConfig = before; return nil })
			return resp, fmt.Errorf("Cannot update container %s: %w", c.ID, err)
		}
	}
	d.logContainerEvent(c, events.ActionUpdate, nil)
	return resp, nil
}

// applyResources hands the limits the client asked for, and only those,
// to the runtime of a running container.
func (d *Daemon) applyResources(ctx context.Context, c *container.Container, res apicontainer.Resources) error {
	oci, err := spec.UpdateResources(res)
	if err != nil {
		return err
	}
	return d.sup.UpdateResources(ctx, c, oci)
}
