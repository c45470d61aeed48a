package networks

import (
	"fmt"
	"strings"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
)

// Legacy links (--link name[:alias]). On the default bridge, which has no
// names, Docker writes the linked container's address into the linking
// container's /etc/hosts; on a user network the link is an alias only the
// linking container resolves, which the network's DNS answers.

// parseLink splits "name[:alias]"; the alias defaults to the name. The
// leading slashes of Docker's stored form ("/db:/web/db") are dropped.
func parseLink(l string) (name, alias string, err error) {
	name, alias, _ = strings.Cut(l, ":")
	name = strings.TrimPrefix(name, "/")
	if i := strings.LastIndex(alias, "/"); i >= 0 {
		alias = alias[i+1:]
	}
	if name == "" {
		return "", "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid link format: %s", l))
	}
	if alias == "" {
		alias = name
	}
	return name, alias, nil
}

// usesLegacyLinks says whether HostConfig.Links are the default bridge's
// hosts-file links: on user networks Docker ignores them (the client sends
// them again per network, where they become aliases).
func usesLegacyLinks(c *container.Container) bool {
	return primaryNetwork(c) == "bridge" || c.HostConfig.NetworkMode.IsHost()
}

// linkTarget finds the container a link names, following
// --network container:<x> to the container owning the namespace, and
// refuses a host-network target as Docker does.
func (s *Service) linkTarget(name string) (*container.Container, error) {
	child, err := s.containers.Get(name)
	for seen := 0; err == nil && child.HostConfig.NetworkMode.IsContainer() && seen < 8; seen++ {
		name = child.HostConfig.NetworkMode.ConnectedContainer()
		child, err = s.containers.Get(name)
	}
	if err != nil {
		if errdefs.IsNotFound(err) {
			// Docker answers 400 here: a 404 would make the client
			// report the image as missing.
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("could not get container for %s: %s", name, err))
		}
		return nil, fmt.Errorf("could not get container for %s: %w", name, err)
	}
	if child.HostConfig.NetworkMode.IsHost() {
		return nil, errConflictHostNetworkAndLinks()
	}
	return child, nil
}

func errConflictHostNetworkAndLinks() error {
	return errdefs.ErrInvalidArgument.WithMessage("conflicting options: host type networking can't be used with links. This would result in undefined behavior")
}

// checkLinks refuses, at create, links to containers that do not exist.
func (s *Service) checkLinks(c *container.Container) error {
	if len(c.HostConfig.Links) == 0 || !usesLegacyLinks(c) {
		return nil
	}
	if c.HostConfig.NetworkMode.IsHost() {
		return errConflictHostNetworkAndLinks()
	}
	for _, l := range c.HostConfig.Links {
		name, _, err := parseLink(l)
		if err != nil {
			return err
		}
		if _, err := s.linkTarget(name); err != nil {
			return err
		}
	}
	return nil
}

// linkedContainers resolves the container's default-bridge links at
// start; a linked container that is not running stops the start, with
// Docker's words.
func (s *Service) linkedContainers(c *container.Container) (map[string]*container.Container, error) {
	if len(c.HostConfig.Links) == 0 || primaryNetwork(c) != "bridge" {
		return nil, nil
	}
	out := map[string]*container.Container{}
	for _, l := range c.HostConfig.Links {
		name, alias, err := parseLink(l)
		if err != nil {
			return nil, err
		}
		child, err := s.linkTarget(name)
		if err != nil {
			return nil, err
		}
		if !child.State.IsRunning() {
			return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("Cannot link to a non running container: /%s AS /%s/%s", child.Name, c.Name, alias))
		}
		out[alias] = child
	}
	return out, nil
}

// LinkHosts are the /etc/hosts lines of the container's default-bridge
// links: the linked container's address on the default bridge, then the
// alias, its hostname and, when it differs from the alias, its name.
func (s *Service) LinkHosts(c *container.Container) string {
	children, err := s.linkedContainers(c)
	if err != nil || len(children) == 0 {
		return ""
	}
	bridge, err := s.Get("bridge")
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, l := range c.HostConfig.Links {
		_, alias, _ := parseLink(l)
		child := children[alias]
		if child == nil {
			continue
		}
		eps := s.Endpoints(child.ID, bridge.ID)
		if len(eps) == 0 || !eps[0].IP.IsValid() {
			continue
		}
		names := alias + " " + child.Config.Hostname
		if alias != child.Name {
			names += " " + child.Name
		}
		b.WriteString(eps[0].IP.String() + "\t" + names + "\n")
	}
	return b.String()
}

// userLinks turns per-network links into the alias map the network's DNS
// answers for this endpoint only.
func userLinks(links []string) map[string]string {
	if len(links) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, l := range links {
		if name, alias, err := parseLink(l); err == nil {
			out[alias] = name
		}
	}
	return out
}
