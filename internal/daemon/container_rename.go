package daemon

import (
	"context"

	"github.com/moby/moby/api/types/events"
)

// ContainerRename gives a container a new name, running or not (see
// container.Store.Rename), and records the rename event.
func (d *Daemon) ContainerRename(ctx context.Context, name, newName string) error {
	c, oldName, err := d.containers.Rename(name, newName)
	if err != nil {
		return err
	}
	d.logContainerEvent(c, events.ActionRename, map[string]string{"oldName": "/" + oldName})
	return nil
}
