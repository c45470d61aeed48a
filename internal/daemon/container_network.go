package daemon

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

// netnsPath is where a container's network namespace is bind-mounted; it
// outlives berthd, so a running container keeps its network across
// daemon restarts.
func (d *Daemon) netnsPath(id string) string { return filepath.Join(d.cfg.ExecRoot, "netns", id) }

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

// setupNetwork makes the container's network namespace and returns its path
// with the function that attaches the container's endpoints inside it (nil
// when there is nothing to attach). The runtime needs the namespace to
// create the container; the endpoints only have to be there before start,
// so the caller runs attach while the runtime works.
func (d *Daemon) setupNetwork(ctx context.Context, c *container.Container) (_ string, attach func(context.Context) error, err error) {
	switch m := c.HostConfig.NetworkMode; {
	case m.IsHost():
		return "host", nil, nil
	case m.IsContainer():
		other, err := d.containers.Get(m.ConnectedContainer())
		if err != nil {
			return "", nil, err
		}
		if !other.State.IsRunning() {
			return "", nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot join network namespace of a non running container: container %s is %s", other.ShortID(), other.State.Status))
		}
		if p := d.netnsPath(other.ID); network.NetNSMounted(p) {
			return p, nil, nil
		}
		return fmt.Sprintf("/proc/%d/ns/net", other.State.Pid), nil, nil
	}
	if _, err := d.linkedContainers(c); err != nil {
		return "", nil, err
	}
	path := d.netnsPath(c.ID)
	d.releaseNetwork(ctx, c) // what an earlier run left
	if err := network.CreateNetNS(path); err != nil {
		return "", nil, err
	}
	wanted := c.Networks
	primary := primaryNetwork(c)
	ports, err := portMappings(c)
	if err != nil {
		d.releaseNetwork(ctx, c)
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
			if _, err := d.networks.Attach(ctx, ref, o, path); err != nil {
				return err
			}
		}
		return nil
	}
	return path, attach, nil
}

// releaseNetwork removes the container's endpoints and its namespace.
func (d *Daemon) releaseNetwork(ctx context.Context, c *container.Container) {
	if d.networks == nil {
		return
	}
	if err := d.networks.Teardown(ctx, c.ID); err != nil {
		slog.Warn("removing container endpoints", "container", c.ID, "error", err)
	}
	if err := network.DeleteNetNS(d.netnsPath(c.ID)); err != nil {
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

// containerIPs lists the container's addresses, for /etc/hosts.
func (d *Daemon) containerIPs(id string) []netip.Addr {
	var out []netip.Addr
	if d.networks == nil {
		return nil
	}
	for _, ep := range d.networks.Endpoints(id, "") {
		if ep.IP.IsValid() {
			out = append(out, ep.IP)
		}
	}
	return out
}

// embeddedDNS is the resolver address of the container's first user
// network; zero when it has none (default bridge keeps the host's).
func (d *Daemon) embeddedDNS(id string) netip.Addr {
	if d.networks == nil {
		return netip.Addr{}
	}
	for _, ep := range d.networks.Endpoints(id, "") {
		if n, err := d.networks.Get(ep.NetworkID); err == nil && n.UserDefined() && n.Driver == "bridge" {
			return n.Gateway
		}
	}
	return netip.Addr{}
}

// NetworkConnect implements the network router's Backend.
func (d *Daemon) NetworkConnect(ctx context.Context, ref string, req apinetwork.ConnectRequest) error {
	n, err := d.networks.Get(ref)
	if err != nil {
		return err
	}
	c, err := d.containers.Get(req.Container)
	if err != nil {
		return err
	}
	unlock := d.containers.Lock(c.ID)
	defer unlock()
	if m := c.HostConfig.NetworkMode; m.IsHost() || m.IsNone() || m.IsContainer() {
		return errdefs.ErrInvalidArgument.WithMessage("container sharing network namespace with another container or host cannot be connected to any other network")
	}
	ec := endpointConfig(req.EndpointConfig)
	if _, ok := c.Networks[n.Name]; ok || primaryNetwork(c) == n.Name || len(d.networks.Endpoints(c.ID, n.ID)) > 0 {
		return errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("endpoint with name %s already exists in network %s", c.Name, n.Name))
	}
	if c.State.IsRunning() {
		if _, err := d.networks.Attach(ctx, n.ID, network.AttachOptions{ContainerID: c.ID, ContainerName: c.Name, IP: ec.IP, Aliases: ec.Aliases, Links: userLinks(ec.Links)}, d.netnsPath(c.ID)); err != nil {
			return err
		}
	}
	_, err = d.containers.Update(c.ID, func(c *container.Container) error {
		if c.Networks == nil {
			c.Networks = map[string]container.EndpointConfig{}
		}
		c.Networks[n.Name] = ec
		return nil
	})
	return err
}

// NetworkDisconnect implements the network router's Backend.
func (d *Daemon) NetworkDisconnect(ctx context.Context, ref string, req apinetwork.DisconnectRequest) error {
	n, err := d.networks.Get(ref)
	if err != nil {
		return err
	}
	c, err := d.containers.Get(req.Container)
	if err != nil {
		return err
	}
	unlock := d.containers.Lock(c.ID)
	defer unlock()
	_, recorded := c.Networks[n.Name]
	attached := len(d.networks.Endpoints(c.ID, n.ID)) > 0
	if !recorded && !attached && primaryNetwork(c) != n.Name {
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("container %s is not connected to network %s", c.ShortID(), n.Name))
	}
	if attached {
		if err := d.networks.Detach(ctx, n.ID, c.ID); err != nil {
			return err
		}
	}
	_, err = d.containers.Update(c.ID, func(c *container.Container) error {
		delete(c.Networks, n.Name)
		delete(c.Networks, n.ID)
		return nil
	})
	return err
}

// checkNetworks refuses a create whose networks do not exist, as Docker
// does, before anything is stored.
func (d *Daemon) checkNetworks(c *container.Container, nc *apinetwork.NetworkingConfig) error {
	if p := primaryNetwork(c); p != "" {
		if _, err := d.networks.Get(p); err != nil {
			return err
		}
	}
	if err := d.checkLinks(c); err != nil {
		return err
	}
	if nc != nil {
		for ref := range nc.EndpointsConfig {
			if strings.HasPrefix(ref, "container:") {
				continue
			}
			if _, err := d.networks.Get(endpointRef(ref)); err != nil {
				return err
			}
		}
	}
	return nil
}

// endpointConfigs are run's --network-alias, --ip and extra networks,
// kept in the record for every start of the container.
func (d *Daemon) endpointConfigs(nc *apinetwork.NetworkingConfig) map[string]container.EndpointConfig {
	if nc == nil || len(nc.EndpointsConfig) == 0 {
		return nil
	}
	wanted := map[string]container.EndpointConfig{}
	for ref, s := range nc.EndpointsConfig {
		if strings.HasPrefix(ref, "container:") {
			continue
		}
		if n, err := d.networks.Get(endpointRef(ref)); err == nil {
			ref = n.Name
		}
		wanted[ref] = endpointConfig(s)
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
