package daemon

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/container/filter"
	"github.com/berth/berth/internal/filters"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// ContainersPrune removes every stopped container the filters select and
// reports what went and how much space the writable layers held.
func (d *Daemon) ContainersPrune(ctx context.Context, f filters.Args) (*apicontainer.PruneReport, error) {
	if err := f.Validate(filter.PruneKeys...); err != nil {
		return nil, err
	}
	until, err := f.Until(time.Now())
	if err != nil {
		return nil, err
	}
	rep := &apicontainer.PruneReport{}
	for _, c := range d.containers.List() {
		if ctx.Err() != nil {
			break // Docker reports what was done so far
		}
		if c.State.IsRunning() || !filter.PruneLabels(f, c.Config.Labels) {
			continue
		}
		if !until.IsZero() && c.Created.After(until) {
			continue
		}
		rw, _ := d.containerSize(c)
		if err := d.ContainerRemove(ctx, c.ID, backend.RemoveOptions{}); err != nil {
			slog.Warn("prune could not remove a container", "container", c.ID, "error", err)
			continue
		}
		rep.ContainersDeleted = append(rep.ContainersDeleted, c.ID)
		rep.SpaceReclaimed += uint64(rw)
	}
	d.events.Log(events.ContainerEventType, events.ActionPrune, events.Actor{
		Attributes: map[string]string{"reclaimed": strconv.FormatUint(rep.SpaceReclaimed, 10)},
	})
	return rep, nil
}
