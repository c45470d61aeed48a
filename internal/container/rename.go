package container

import (
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
)

// Rename gives container ref the name newName (a leading "/" and
// surrounding space are dropped), running or not, refusing in Docker's
// words what Docker refuses. It returns the renamed container and its old
// name.
func (s *Store) Rename(ref, newName string) (*Container, string, error) {
	ref = strings.TrimSpace(ref)
	newName = strings.TrimPrefix(strings.TrimSpace(newName), "/")
	if strings.TrimPrefix(ref, "/") == "" || newName == "" {
		return nil, "", errdefs.ErrInvalidArgument.WithMessage("Neither old nor new names may be empty")
	}
	c, err := s.Get(ref)
	if err != nil {
		return nil, "", err
	}
	if c.Name == newName {
		return nil, "", errdefs.ErrInvalidArgument.WithMessage("Renaming a container with the same name as its current name")
	}
	if err := CheckName(newName); err != nil {
		return nil, "", fmt.Errorf("Error when allocating new name: %w", err)
	}
	oldName := c.Name
	c, err = s.Update(c.ID, func(c *Container) error {
		if c.State.Status == Removing || c.State.Status == Dead {
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot rename container %s: container is marked for removal", c.ID))
		}
		c.Name = newName
		return nil
	})
	if err != nil {
		if errdefs.IsConflict(err) && strings.HasPrefix(err.Error(), "Conflict.") {
			return nil, "", fmt.Errorf("Error when allocating new name: %w", err)
		}
		return nil, "", err
	}
	return c, oldName, nil
}
