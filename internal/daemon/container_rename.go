package daemon

import (
	"context"
	"fmt"
	"strings"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
)

// ContainerRename gives a container a new name, running or not.
func (d *Daemon) ContainerRename(ctx context.Context, name, newName string) error {
	name = strings.TrimSpace(name)
	newName = strings.TrimPrefix(strings.TrimSpace(newName), "/")
	if strings.TrimPrefix(name, "/") == "" || newName == "" {
		return errdefs.ErrInvalidArgument.WithMessage("Neither old nor new names may be empty")
	}
	c, err := d.containers.Get(name)
	if err != nil {
		return err
	}
	if c.Name == newName {
		return errdefs.ErrInvalidArgument.WithMessage("Renaming a container with the same name as its current name")
	}
	if err := container.CheckName(newName); err != nil {
		return fmt.Errorf("Error when allocating new name: %w", err)
	}
	oldName := c.Name
	c, err = d.containers.Update(c.ID, func(c *container.Container) error {
		if c.State.Status == container.Removing || c.State.Status == container.Dead {
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot rename container %s: container is marked for removal", c.ID))
		}
		c.Name = newName
		return nil
	})
	if err != nil {
		if errdefs.IsConflict(err) && strings.HasPrefix(err.Error(), "Conflict.") {
			return fmt.Errorf("Error when allocating new name: %w", err)
		}
		return err
	}
	d.logContainerEvent(c, events.ActionRename, map[string]string{"oldName": "/" + oldName})
	return nil
}
