package daemon

import (
	"context"

	apicontainer "github.com/moby/moby/api/types/container"
)

// ContainerTop lists a running container's processes (see
// supervisor.Top).
func (d *Daemon) ContainerTop(ctx context.Context, name, psArgs string) (*apicontainer.TopResponse, error) {
	return d.sup.Top(ctx, name, psArgs)
}
