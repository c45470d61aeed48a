package networks

import (
	"context"
	"fmt"
	"log/slog"
	"net"
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
	if n, err := s.Get(primary); err == nil && wanted[n.Name].Disconnected {
		primary = "" // disconnected from its network mode's network
	} else if err == nil {
		primary = n.Name
	}
	ports, err := portMappings(c)
	if err != nil {
		s.Release(ctx, c)
		return "", nil, err
	}
	var order []string
	for ref, ec := range wanted {
		if ref != primary && !ec.Disconnected {
			order = append(order, ref)
		}
	}
	sort.Strings(order)
	if primary != "" {
		order = append([]string{primary}, order...)
	}
	// The first network with a gateway gives the default route: the one
	// with the highest GwPriority, the network mode's among equals.
	sort.SliceStable(order, func(i, j int) bool { return wanted[order[i]].GwPriority > wanted[order[j]].GwPriority })
	attach = func(ctx context.Context) error {
		for i, ref := range order {
			ec := wanted[ref]
			o := attachOptions(c, ec)
			// Published ports go with the network mode's endpoint.
			if ref == primary || (primary == "" && i == 0) {
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

// attachOptions are the endpoint a container asked for on one network.
func attachOptions(c *container.Container, ec container.EndpointConfig) network.AttachOptions {
	o := network.AttachOptions{ContainerID: c.ID, ContainerName: c.Name, IP: ec.IP, Aliases: ec.Aliases,
		Links: userLinks(ec.Links), Hostname: c.Config.Hostname, MAC: ec.MacAddress, IfName: ec.DriverOpts[ifNameOpt],
		GwPriority: ec.GwPriority}
	for _, a := range c.HostConfig.DNS {
		o.DNS = append(o.DNS, a.String())
	}
	return o
}

// EmbeddedDNS is the address of the container's own resolver when it is
// on a user network; zero otherwise (the default bridge keeps the host's
// resolvers, as in Docker).
func (s *Service) EmbeddedDNS(id string) netip.Addr {
	if s == nil {
		return netip.Addr{}
	}
	for _, ep := range s.Endpoints(id, "") {
		if n, err := s.Get(ep.NetworkID); err == nil && n.UserDefined() && n.Driver == "bridge" {
			return network.ResolverAddr
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
	if err := checkEndpoint(req.EndpointConfig); err != nil {
		return err
	}
	ec := endpointConfig(req.EndpointConfig)
	rec, recorded := c.Networks[n.Name]
	isPrimary := primaryNetwork(c) == n.Name || primaryNetwork(c) == n.ID
	if (recorded && !rec.Disconnected) || (isPrimary && !recorded) || len(s.Endpoints(c.ID, n.ID)) > 0 {
		return errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("endpoint with name %s already exists in network %s", c.Name, n.Name))
	}
	if c.State.IsRunning() {
		if _, err := s.Attach(ctx, n.ID, attachOptions(c, ec), s.NetNSPath(c.ID)); err != nil {
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
	s.endpointsChanged(c)
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
	rec, recorded := c.Networks[n.Name]
	recorded = recorded && !rec.Disconnected
	isPrimary := primaryNetwork(c) == n.Name || primaryNetwork(c) == n.ID
	attached := len(s.Endpoints(c.ID, n.ID)) > 0
	if !recorded && !attached && (!isPrimary || rec.Disconnected) {
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
		if isPrimary {
			// The network mode still names it: remember that the
			// container left it, so start does not join it again and
			// connect may bring it back.
			if c.Networks == nil {
				c.Networks = map[string]container.EndpointConfig{}
			}
			c.Networks[n.Name] = container.EndpointConfig{Disconnected: true}
		}
		return nil
	})
	s.endpointsChanged(c)
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
	if err := s.checkLinks(c); err != nil {
		return err
	}
	if nc != nil {
		for ref, es := range nc.EndpointsConfig {
			if strings.HasPrefix(ref, "container:") {
				continue
			}
			// A network that does not exist yet is no error at create:
			// start names it, as Docker's does.
			if err := checkEndpoint(es); err != nil {
				return err
			}
		}
	}
	return nil
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
		ec.Aliases, ec.Links, ec.DriverOpts, ec.GwPriority = s.Aliases, s.Links, s.DriverOpts, s.GwPriority
		if len(s.MacAddress) > 0 {
			ec.MacAddress = s.MacAddress.String()
		}
		if s.IPAMConfig != nil {
			ipam := *s.IPAMConfig
			ec.IPAMConfig = &ipam
			ec.IP = s.IPAMConfig.IPv4Address
		}
	}
	return ec
}

// ifNameOpt is the endpoint driver option naming the interface inside
// the container.
const ifNameOpt = "com.docker.network.endpoint.ifname"

// checkEndpoint refuses what no endpoint could be made of, in Docker's
// words, before anything is stored.
func checkEndpoint(s *apinetwork.EndpointSettings) error {
	if s == nil {
		return nil
	}
	if mac := s.MacAddress; len(mac) > 0 {
		hw := net.HardwareAddr(mac)
		if len(hw) != 6 || hw[0]&1 == 1 {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid MAC address %s", hw))
		}
	}
	if name, ok := s.DriverOpts[ifNameOpt]; ok && (name == "" || len(name) > 15 || strings.ContainsAny(name, "/ \t\n:")) {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid interface name %q", name))
	}
	return nil
}

// endpointRef maps the network names clients send for the default mode
// to the network's name.
func endpointRef(ref string) string {
	if ref == "default" || ref == "" {
		return "bridge"
	}
	return ref
}
