package networks

import (
	"fmt"
	"path"
	"strings"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
)

// A default-bridge link gives the linked container one more name, Docker's
// "/<parent>/<alias>": inspect shows the parent's links in that form
// ("/db:/web/db"), ps lists it among the linked container's names, and
// DELETE /containers/<parent>/<alias>?link=1 removes the link.

// StoredLinks is HostConfig.Links of c as Docker shows it; a link whose
// target is gone keeps the form the client gave.
func (s *Service) StoredLinks(c *container.Container) []string {
	if len(c.HostConfig.Links) == 0 || !usesLegacyLinks(c) {
		return c.HostConfig.Links
	}
	out := make([]string, 0, len(c.HostConfig.Links))
	for _, l := range c.HostConfig.Links {
		name, alias, err := parseLink(l)
		child, cerr := s.containers.Get(name)
		if err != nil || cerr != nil {
			out = append(out, l)
			continue
		}
		out = append(out, "/"+child.Name+":/"+c.Name+"/"+alias)
	}
	return out
}

// LinkNames are the names links give the container id: "/<parent>/<alias>"
// for every container that links to it on the default bridge.
func (s *Service) LinkNames(id string, all []*container.Container) []string {
	var names []string
	for _, p := range all {
		if len(p.HostConfig.Links) == 0 || !usesLegacyLinks(p) {
			continue
		}
		for _, l := range p.HostConfig.Links {
			name, alias, err := parseLink(l)
			if err != nil {
				continue
			}
			if child, err := s.containers.Get(name); err == nil && child.ID == id {
				names = append(names, "/"+p.Name+"/"+alias)
			}
		}
	}
	return names
}

// RemoveLink removes the link named "[/]<parent>/<alias>" from its parent,
// in Docker's words when there is none.
func (s *Service) RemoveLink(ref string) error {
	full := "/" + strings.TrimPrefix(ref, "/")
	parentName, alias := path.Split(full)
	parentName = strings.TrimSuffix(parentName, "/")
	if parentName == "" {
		return errdefs.ErrConflict.WithMessage("Conflict, cannot remove the default link name of the container")
	}
	parent, err := s.containers.Get(parentName)
	if err != nil {
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("Cannot get parent %s for link name %s", parentName, full))
	}
	unlock := s.containers.Lock(parent.ID)
	defer unlock()
	found := false
	_, err = s.containers.Update(parent.ID, func(c *container.Container) error {
		kept := c.HostConfig.Links[:0:0]
		for _, l := range c.HostConfig.Links {
			if _, a, err := parseLink(l); err == nil && a == alias {
				found = true
				continue
			}
			kept = append(kept, l)
		}
		if !found {
			return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("No such container: %s", strings.TrimPrefix(full, "/")))
		}
		c.HostConfig.Links = kept
		return nil
	})
	return err
}
