package daemon

import (
	"context"

	"github.com/berth/berth/internal/cgroups"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/networks"
	apicontainer "github.com/moby/moby/api/types/container"
)

// ContainerStats samples a container's cgroup, once or streaming (see
// cgroups.Stream). A container that is not running yields one empty
// sample, as Docker's does.
func (d *Daemon) ContainerStats(ctx context.Context, name string, stream bool) (<-chan apicontainer.StatsResponse, error) {
	c, err := d.containers.Get(name)
	if err != nil {
		return nil, err
	}
	ch := make(chan apicontainer.StatsResponse, 1)
	if !statsRunning(c) {
		ch <- emptyStats(c)
		close(ch)
		return ch, nil
	}
	running := func() bool {
		c, err := d.containers.Get(c.ID)
		return err == nil && statsRunning(c)
	}
	addNet := func(s *apicontainer.StatsResponse) { s.Networks = networks.InterfaceStats(c) }
	go cgroups.Open(cgroupsPath(c.ID)).Stream(ctx, emptyStats(c), stream, running, addNet, ch)
	return ch, nil
}

func statsRunning(c *container.Container) bool {
	return c.State.Status == container.Running || c.State.Status == container.Paused
}

func emptyStats(c *container.Container) apicontainer.StatsResponse {
	return apicontainer.StatsResponse{ID: c.ID, Name: "/" + c.Name, OSType: "linux"}
}
