package daemon

import (
	"context"

	"github.com/berth/berth/internal/container"
)

// restoreContainers finishes the removals a previous berthd left half
// done, then hands the rest to the supervisor, which reconnects to the
// containers that kept running and starts what the restart policies say a
// daemon start should start.
func (d *Daemon) restoreContainers(ctx context.Context) {
	for _, c := range d.containers.List() {
		if c.State.Status == container.Removing || c.State.Status == container.Dead {
			if err := d.cleanupContainer(ctx, c); err == nil && d.containers.Delete(c.ID) == nil {
				// The volumes forget it as the interrupted removal would
				// have; the users check at open ran while it was recorded.
				// Anonymous volumes go with a --rm container, as Docker's.
				d.volumes.ReleaseVolumes(c.ID, c.Mounts, c.HostConfig.AutoRemove)
			}
		}
	}
	d.sup.Restore(ctx)
}
