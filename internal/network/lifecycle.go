package network

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/containerd/errdefs"
)

// CreateOptions describe a user-defined network.
type CreateOptions struct {
	Name    string
	Driver  string // "" means bridge
	Subnet  netip.Prefix
	Gateway netip.Addr
	IPRange netip.Prefix
	// AuxAddresses are reserved, by host name; each must be in Subnet.
	AuxAddresses map[string]netip.Addr
	IPAMOptions  map[string]string
	Internal     bool
	Attachable   bool
	Labels       map[string]string
	Options      map[string]string
}

// Create makes a user-defined network.
func (m *Manager) Create(ctx context.Context, o CreateOptions) (*Network, error) {
	if err := CheckName(o.Name); err != nil {
		return nil, err
	}
	switch o.Name {
	case "bridge", "host", "none":
		return nil, errf(errdefs.ErrPermissionDenied, "operation is not permitted on predefined %s network ", o.Name)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if o.Driver == "" {
		o.Driver = "bridge"
	}
	if o.Driver != "bridge" {
		return nil, errf(errdefs.ErrNotFound, "could not find plugin %s in v1 plugin registry: plugin not found", o.Driver)
	}
	nets, err := m.st.networks()
	if err != nil {
		return nil, err
	}
	for _, n := range nets {
		if n.Name == o.Name {
			return nil, errf(errdefs.ErrConflict, "network with name %s already exists", o.Name)
		}
	}
	n := &Network{ID: newID(), Name: o.Name, Driver: o.Driver, Internal: o.Internal, Attachable: o.Attachable,
		Labels: o.Labels, Options: o.Options, Created: time.Now().UTC(), IPRange: o.IPRange,
		AuxAddresses: o.AuxAddresses, IPAMOptions: o.IPAMOptions}
	if n.Labels == nil {
		n.Labels = map[string]string{}
	}
	if n.Options == nil {
		n.Options = map[string]string{}
	}
	if o.Subnet.IsValid() {
		n.Subnet = o.Subnet.Masked()
		for _, other := range nets {
			if other.Subnet.IsValid() && other.Subnet.Overlaps(n.Subnet) {
				return nil, errf(errdefs.ErrPermissionDenied, "invalid pool request: Pool overlaps with other one on this address space")
			}
		}
		n.Gateway = o.Gateway
		if !n.Gateway.IsValid() {
			n.Gateway = n.Subnet.Addr().Next()
		} else if !n.Subnet.Contains(n.Gateway) {
			return nil, errf(errdefs.ErrInvalidArgument, "gateway %s is not in subnet %s", n.Gateway, n.Subnet)
		}
		if n.IPRange.IsValid() && !n.Subnet.Contains(n.IPRange.Addr()) {
			return nil, errf(errdefs.ErrInvalidArgument, "ip-range %s is not in subnet %s", n.IPRange, n.Subnet)
		}
		for host, a := range n.AuxAddresses {
			if !n.Subnet.Contains(a) {
				return nil, errf(errdefs.ErrInvalidArgument, "auxiliary address: (%s:%s) must belong to the master pool: %s", host, a, n.Subnet)
			}
		}
	} else if len(n.AuxAddresses) > 0 {
		return nil, errf(errdefs.ErrInvalidArgument, "auxiliary addresses need a subnet")
	} else if err := m.chooseSubnet(n, nets); err != nil {
		return nil, err
	}
	n.Bridge = n.Options["com.docker.network.bridge.name"]
	if n.Bridge == "" {
		n.Bridge = "br-" + n.ID[:12]
	}
	if len(n.Bridge) > 15 {
		return nil, errf(errdefs.ErrInvalidArgument, "bridge name %q is longer than 15 characters", n.Bridge)
	}
	if err := m.drivers[n.Driver].CreateNetwork(ctx, n); err != nil {
		return nil, err
	}
	m.enableForwarding()
	if err := m.st.putNetwork(n); err != nil {
		m.drivers[n.Driver].DeleteNetwork(ctx, n)
		return nil, err
	}
	return n, m.refreshLocked()
}

// Remove deletes a user-defined network without endpoints.
func (m *Manager) Remove(ctx context.Context, ref string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.Get(ref)
	if err != nil {
		return err
	}
	if n.Predefined {
		return errf(errdefs.ErrPermissionDenied, "%s is a pre-defined network and cannot be removed", n.Name)
	}
	if eps := m.Endpoints("", n.ID); len(eps) > 0 {
		return errf(errdefs.ErrConflict, "error while removing network: network %s id %s has active endpoints", n.Name, n.ID)
	}
	if err := m.drivers[n.Driver].DeleteNetwork(ctx, n); err != nil {
		return err
	}
	if err := m.st.deleteNetwork(n.ID); err != nil {
		return err
	}
	return m.refreshLocked()
}

// AttachOptions describe one container's endpoint.
type AttachOptions struct {
	ContainerID   string
	ContainerName string
	IP            netip.Addr // zero: the next free one
	Aliases       []string
	// Links map an alias only this endpoint resolves to the name or ID
	// of the container it stands for (--link on a user network).
	Links map[string]string
	// Ports to publish; a HostPort of 0 takes an ephemeral port.
	Ports []PortMapping
	// Hostname is the container's, which its endpoints also answer to.
	Hostname string
	// DNS are the container's --dns servers: its resolver forwards there
	// instead of to the host's.
	DNS []string
	// MAC is a requested address for the interface; "" derives one from
	// the IP address.
	MAC string
	// IfName names the interface in the container
	// (com.docker.network.endpoint.ifname); "" takes the next ethN.
	IfName string
	// GwPriority ranks the endpoint for the default route: the highest
	// gives it.
	GwPriority int
}

// Attach joins a container's namespace to a network, recording the
// endpoint first so its address is reserved.
func (m *Manager) Attach(ctx context.Context, ref string, o AttachOptions, netnsPath string) (*Endpoint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.Get(ref)
	if err != nil {
		return nil, err
	}
	ep := &Endpoint{ID: newID(), NetworkID: n.ID, ContainerID: o.ContainerID, ContainerName: o.ContainerName,
		IP: o.IP, Aliases: o.Aliases, Links: o.Links, Hostname: o.Hostname, DNS: o.DNS,
		MAC: o.MAC, IfName: o.IfName, GwPriority: o.GwPriority}
	if n.Driver == "bridge" {
		ep.NetNS = netnsPath
	}
	if o.IP.IsValid() && n.Predefined {
		return nil, errf(errdefs.ErrInvalidArgument, "user specified IP address is supported on user defined networks only")
	}
	if ep.Ports, err = m.allocatePorts(o.Ports); err != nil {
		return nil, err
	}
	if n.Driver == "host" || n.Driver == "null" {
		ep.IP = netip.Addr{}
		ep.Ports = nil
	}
	if n.Subnet.IsValid() {
		if err := m.st.addEndpoint(n, ep); err != nil {
			return nil, err
		}
	} else if err := m.st.updateEndpoint(ep); err != nil {
		return nil, err
	}
	if err := m.drivers[n.Driver].Join(ctx, n, ep, netnsPath); err != nil {
		m.st.deleteEndpoint(n.ID, ep.ContainerID)
		return nil, err
	}
	if err := m.st.updateEndpoint(ep); err != nil {
		return nil, err
	}
	err = m.refreshLocked()
	if err == nil && n.UserDefined() && n.Driver == "bridge" {
		err = m.ensureResolverLocked(ep.ContainerID, ep.NetNS)
	}
	if err == nil && n.Driver == "bridge" {
		err = m.chooseGatewayLocked(ep.ContainerID, netnsPath, 2)
	}
	if err != nil {
		m.drivers[n.Driver].Leave(ctx, n, ep)
		m.st.deleteEndpoint(n.ID, ep.ContainerID)
		m.refreshLocked()
		return nil, err
	}
	return ep, nil
}

// Detach removes a container's endpoint from a network: its interface,
// its rules and its DNS names.
func (m *Manager) Detach(ctx context.Context, networkID, containerID string) error {
	return m.detach(ctx, networkID, containerID, true)
}

// detach removes an endpoint; leave says whether the driver must take its
// interface down, which a namespace about to be removed does by itself.
func (m *Manager) detach(ctx context.Context, networkID, containerID string, leave bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.Get(networkID)
	if err != nil {
		return err
	}
	eps := m.Endpoints(containerID, n.ID)
	if len(eps) == 0 {
		return errf(errdefs.ErrNotFound, "container %s is not connected to network %s", containerID, n.Name)
	}
	if leave {
		if err := m.drivers[n.Driver].Leave(ctx, n, eps[0]); err != nil {
			return err
		}
	}
	if err := m.st.deleteEndpoint(n.ID, containerID); err != nil {
		return err
	}
	if leave {
		// The default route went with the interface if it was this one's.
		if err := m.chooseGatewayLocked(containerID, m.netNSOf(containerID), 1); err != nil {
			slog.Warn("moving the default route", "container", containerID, "error", err)
		}
	}
	return m.refreshLocked()
}

// allocatePorts fills in ephemeral host ports and refuses ports another
// endpoint publishes or another program listens on.
func (m *Manager) allocatePorts(want []PortMapping) ([]PortMapping, error) {
	used := map[string]bool{}
	for _, ep := range m.Endpoints("", "") {
		for _, p := range ep.Ports {
			used[fmt.Sprintf("%s/%d", p.Proto, p.HostPort)] = true
		}
	}
	out := make([]PortMapping, 0, len(want))
	for _, p := range want {
		if p.Proto == "" {
			p.Proto = "tcp"
		}
		if p.HostPort == 0 {
			port, err := ephemeralPort(p.Proto, used)
			if err != nil {
				return nil, err
			}
			p.HostPort = port
		} else {
			key := fmt.Sprintf("%s/%d", p.Proto, p.HostPort)
			if used[key] || !portFree(p.Proto, p.HostIP, p.HostPort) {
				host := "0.0.0.0"
				if p.HostIP.IsValid() {
					host = p.HostIP.String()
				}
				return nil, errf(errdefs.ErrConflict, "driver failed programming external connectivity: Bind for %s:%d failed: port is already allocated", host, p.HostPort)
			}
		}
		used[fmt.Sprintf("%s/%d", p.Proto, p.HostPort)] = true
		out = append(out, p)
	}
	return out, nil
}

// portFree probes the host port by binding it for a moment.
func portFree(proto string, ip netip.Addr, port uint16) bool {
	host := ""
	if ip.IsValid() {
		host = ip.String()
	}
	addr := net.JoinHostPort(host, fmt.Sprint(port))
	if strings.HasPrefix(proto, "udp") {
		c, err := net.ListenPacket("udp4", addr)
		if err != nil {
			return false
		}
		c.Close()
		return true
	}
	l, err := net.Listen("tcp4", addr)
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func ephemeralPort(proto string, used map[string]bool) (uint16, error) {
	for p := 32768; p < 61000; p++ {
		if !used[fmt.Sprintf("%s/%d", proto, p)] && portFree(proto, netip.Addr{}, uint16(p)) {
			return uint16(p), nil
		}
	}
	return 0, errf(errdefs.ErrUnavailable, "no free host port")
}

// refreshLocked rebuilds the nftables table to match the records.
func (m *Manager) refreshLocked() error {
	nets, err := m.st.networks()
	if err != nil {
		return err
	}
	fw, nats := m.firewallWanted(nets)
	return m.fw.apply(fw, nats)
}

// firewallWanted is what the records say the nftables table holds.
func (m *Manager) firewallWanted(nets []*Network) ([]fwNetwork, []natRule) {
	var fw []fwNetwork
	for _, n := range nets {
		if n.Driver == "bridge" {
			fw = append(fw, fwNetwork{bridge: n.Bridge, subnet: n.Subnet, internal: n.Internal})
		}
	}
	var nats []natRule
	for _, ep := range m.Endpoints("", "") {
		for _, p := range ep.Ports {
			nats = append(nats, natRule{pm: p, to: ep.IP})
		}
	}
	return fw, nats
}

// Teardown removes every endpoint of a container; missing ones are fine.
// The caller then removes the container's network namespace, which takes the
// interfaces with it.
func (m *Manager) Teardown(ctx context.Context, containerID string) error {
	var first error
	for _, ep := range m.Endpoints(containerID, "") {
		// The caller removes the container's namespace next, and that
		// destroys its veth pairs; deleting each link first would cost a
		// kernel synchronisation (20-30 ms here) on every container's exit.
		if err := m.detach(ctx, ep.NetworkID, containerID, false); err != nil && first == nil {
			first = err
		}
	}
	m.mu.Lock()
	m.stopResolverLocked(containerID)
	m.mu.Unlock()
	return first
}
