package networks

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/network"
	"github.com/containerd/errdefs"
	apinetwork "github.com/moby/moby/api/types/network"
)

// NetNSPath is where a container's network namespace is bind-mounted; it
// outlives berthd, so a running container keeps its network across
// daemon restarts.
func (s *Service) NetNSPath(id string) string {
	if s == nil {
		return "" // no network service: no namespaces either
	}
	return filepath.Join(s.netnsDir, id)
}

// primaryNetwork is the network the container's network mode names;
// "" for host and container:<id>.
func primaryNetwork(c *container.Container) string {
	switch m := c.HostConfig.NetworkMode; {
	case m.IsHost(), m.IsContainer():
		return ""
	case m.IsNone():
		return "none"
	case m == "" || m.IsDefault() || m.IsBridge():
		return "bridge"
	default:
		return string(m)
	}
}

// Setup makes the container's network namespace and returns its path
// with the function that attaches the container's endpoints inside it (nil
// when there is nothing to attach). The runtime needs the namespace to
// create the container; the endpoints only have to be there before start,
// so the caller runs attach while the runtime works.
func (s *Service) Setup(ctx context.Context, c *container.Container) (_ string, attach func(context.Context) error, err error) {
	switch m := c.HostConfig.NetworkMode; {
	case m.IsHost():
		return "host", nil, nil
	case m.IsContainer():
		other, err := s.containers.Get(m.ConnectedContainer())
		if err != nil {
			return "", nil, err
		}
		if !other.State.IsRunning() {
			return "", nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot join network namespace of a non running container: container %s is %s", other.ShortID(), other.State.Status))
		}
		if p := s.NetNSPath(other.ID); network.NetNSMounted(p) {
			return p, nil, nil
		}
		return fmt.Sprintf("/proc/%d/ns/net", other.State.Pid), nil, nil
	}
	if _, err := s.linkedContainers(c); err != nil {
		return "", nil, err
	}
	path := s.NetNSPath(c.ID)
	s.Release(ctx, c) // what an earlier run left
	if err := network.CreateNetNS(path); err != nil {
		return "", nil, err
	}
	wanted := c.Networks
	primary := primaryNetwork(c)
	ports, err := portMappings(c)
	if err != nil {
		s.Release(ctx, c)
		return "", nil, err
	}
	order := []string{primary}
	for ref := range wanted {
		if ref != primary {
			order = append(order, ref)
		}
	}
	sort.Strings(order[1:])
	attach = func(ctx context.Context) error {
		for i, ref := range order {
			ec := wanted[ref]
			o := network.AttachOptions{ContainerID: c.ID, ContainerName: c.Name, IP: ec.IP, Aliases: ec.Aliases, Links: userLinks(ec.Links)}
			if i == 0 {
				o.Ports = ports
			}
			if _, err := s.Attach(ctx, ref, o, path); err != nil {
				return err
			}
		}
		return nil
	}
	return path, attach, nil
}

// Release removes the container's endpoints and its namespace.
func (s *Service) Release(ctx context.Context, c *container.Container) {
	if s == nil {
		return
	}
	if err := s.Teardown(ctx, c.ID); err != nil {
		slog.Warn("removing container endpoints", "container", c.ID, "error", err)
	}
	if err := network.DeleteNetNS(s.NetNSPath(c.ID)); err != nil {
		slog.Warn("removing container netns", "container", c.ID, "error", err)
	}
}

// portMappings reads -p and -P from the host config.
func portMappings(c *container.Container) ([]network.PortMapping, error) {
	var out []network.PortMapping
	seen := map[apinetwork.Port]bool{}
	for port, bindings := range c.HostConfig.PortBindings {
		seen[port] = true
		if len(bindings) == 0 {
			bindings = []apinetwork.PortBinding{{}}
		}
		for _, b := range bindings {
			pm := network.PortMapping{HostIP: b.HostIP, ContainerPort: port.Num(), Proto: string(port.Proto())}
			if b.HostPort != "" {
				n, err := strconv.ParseUint(b.HostPort, 10, 16)
				if err != nil {
					return nil, errdefs.ErrInvalidArgument.WithMessage("invalid host port " + b.HostPort)
				}
				pm.HostPort = uint16(n)
			}
			if pm.HostIP.IsValid() && !pm.HostIP.Is4() {
				continue // IPv6 bindings: the bridge is IPv4 only
			}
			out = append(out, pm)
		}
	}
	if c.HostConfig.PublishAllPorts {
		for port := range c.Config.ExposedPorts {
			if !seen[port] {
				out = append(out, network.PortMapping{ContainerPort: port.Num(), Proto: string(port.Proto())})
			}
		}
	}
	return out, nil
}

// ContainerIPs lists the container's addresses, for /etc/hosts.
func (s *Service) ContainerIPs(id string) []netip.Addr {
	var out []netip.Addr
	if s == nil {
		return nil
	}
	for _, ep := range s.Endpoints(id, "") {
		if ep.IP.IsValid() {
			out = append(out, ep.IP)
		}
	}
	return out
}

// EmbeddedDNS is the resolver address of the container's first user
// network; zero when it has none (default bridge keeps the host's).
func (s *Service) EmbeddedDNS(id string) netip.Addr {
	if s == nil {
		return netip.Addr{}
	}
	for _, ep := range s.Endpoints(id, "") {
		if n, err := s.Get(ep.NetworkID); err == nil && n.UserDefined() && n.Driver == "bridge" {
			return n.Gateway
		}
	}
	return netip.Addr{}
}

// NetworkConnect implements the network router's Backend.
func (s *Service) NetworkConnect(ctx context.Context, ref string, req apinetwork.ConnectRequest) error {
	n, err := s.Get(ref)
	if err != nil {
		return err
	}
	c, err := s.containers.Get(req.Container)
	if err != nil {
		return err
	}
	unlock := s.containers.Lock(c.ID)
	defer unlock()
	if m := c.HostConfig.NetworkMode; m.IsHost() || m.IsNone() || m.IsContainer() {
		return errdefs.ErrInvalidArgument.WithMessage("container sharing network namespace with another container or host cannot be connected to any other network")
	}
	ec := endpointConfig(req.EndpointConfig)
	if _, ok := c.Networks[n.Name]; ok || primaryNetwork(c) == n.Name || len(s.Endpoints(c.ID, n.ID)) > 0 {
		return errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("endpoint with name %s already exists in network %s", c.Name, n.Name))
	}
	if c.State.IsRunning() {
		if _, err := s.Attach(ctx, n.ID, network.AttachOptions{ContainerID: c.ID, ContainerName: c.Name, IP: ec.IP, Aliases: ec.Aliases, Links: userLinks(ec.Links)}, s.NetNSPath(c.ID)); err != nil {
			return err
		}
	}
	_, err = s.containers.Update(c.ID, func(c *container.Container) error {
		if c.Networks == nil {
			c.Networks = map[string]container.EndpointConfig{}
		}
		c.Networks[n.Name] = ec
		return nil
	})
	return err
}

// NetworkDisconnect implements the network router's Backend.
func (s *Service) NetworkDisconnect(ctx context.Context, ref string, req apinetwork.DisconnectRequest) error {
	n, err := s.Get(ref)
	if err != nil {
		return err
	}
	c, err := s.containers.Get(req.Container)
	if err != nil {
		return err
	}
	unlock := s.containers.Lock(c.ID)
	defer unlock()
	_, recorded := c.Networks[n.Name]
	attached := len(s.Endpoints(c.ID, n.ID)) > 0
	if !recorded && !attached && primaryNetwork(c) != n.Name {
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("container %s is not connected to network %s", c.ShortID(), n.Name))
	}
	if attached {
		if err := s.Detach(ctx, n.ID, c.ID); err != nil {
			return err
		}
	}
	_, err = s.containers.Update(c.ID, func(c *container.Container) error {
		delete(c.Networks, n.Name)
		delete(c.Networks, n.ID)
		return nil
	})
	return err
}

// CheckNetworks checks the networks of a create before anything is stored.
// A network that does not exist (yet) is no error here: Docker takes the
// container and fails its start, so a client may create the network in
// between. A name that matches several networks is refused now.
func (s *Service) CheckNetworks(c *container.Container, nc *apinetwork.NetworkingConfig) error {
	refs := []string{primaryNetwork(c)}
	if nc != nil {
		for ref := range nc.EndpointsConfig {
			if !strings.HasPrefix(ref, "container:") {
				refs = append(refs, endpointRef(ref))
			}
		}
	}
	for _, ref := range refs {
		if ref == "" {
			continue
		}
		if _, err := s.Get(ref); err != nil && !errdefs.IsNotFound(err) {
			return err
		}
	}
	return s.checkLinks(c)
}

// EndpointConfigs are run's --network-alias, --ip and extra networks,
// kept in the record for every start of the container.
func (s *Service) EndpointConfigs(nc *apinetwork.NetworkingConfig) map[string]container.EndpointConfig {
	if nc == nil || len(nc.EndpointsConfig) == 0 {
		return nil
	}
	wanted := map[string]container.EndpointConfig{}
	for ref, es := range nc.EndpointsConfig {
		if strings.HasPrefix(ref, "container:") {
			continue
		}
		if n, err := s.Get(endpointRef(ref)); err == nil {
			ref = n.Name
		}
		wanted[ref] = endpointConfig(es)
	}
	return wanted
}

// endpointConfig is what a client asked for on one network.
func endpointConfig(s *apinetwork.EndpointSettings) container.EndpointConfig {
	var ec container.EndpointConfig
	if s != nil {
		ec.Aliases, ec.Links = s.Aliases, s.Links
		if s.IPAMConfig != nil {
			ec.IP = s.IPAMConfig.IPv4Address
		}
	}
	return ec
}

// endpointRef maps the network names clients send for the default mode
// to the network's name.
func endpointRef(ref string) string {
	if ref == "default" || ref == "" {
		return "bridge"
	}
	return ref
}
