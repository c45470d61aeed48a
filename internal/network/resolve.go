package network

import (
	"net/netip"
	"os"
	"slices"
	"strings"
)

// userEndpoints are the container's endpoints on networks that resolve
// names (user-defined bridges), each with its network, in the order the
// records keep them.
func (m *Manager) userEndpoints(containerID string) ([]*Endpoint, []*Network) {
	var eps []*Endpoint
	var nets []*Network
	for _, ep := range m.Endpoints(containerID, "") {
		n, err := m.Get(ep.NetworkID)
		if err != nil || !n.UserDefined() || n.Driver != "bridge" {
			continue
		}
		eps, nets = append(eps, ep), append(nets, n)
	}
	return eps, nets
}

// resolveName looks a name up on every user network the container is on:
// the container's own link aliases on a network first, then the names of
// that network's endpoints. The first network that knows the name
// answers, as in Docker. As in Docker, "<name>.<network>" is name on that
// network alone (names and network names may hold dots, so each split is
// tried). ok says whether the name is known at all.
func (m *Manager) resolveName(containerID, name string) (_ []netip.Addr, ok bool) {
	own, nets := m.userEndpoints(containerID)
	for i, n := range nets {
		if out := m.resolveOn(own[i], n, name); len(out) > 0 {
			return out, true
		}
	}
	for dot := strings.IndexByte(name, '.'); dot > 0; dot = next(name, dot) {
		host, netName := name[:dot], name[dot+1:]
		for i, n := range nets {
			if strings.EqualFold(n.Name, netName) {
				if out := m.resolveOn(own[i], n, host); len(out) > 0 {
					return out, true
				}
			}
		}
	}
	return nil, false
}

// next is the index of the dot after the one at i, or -1.
func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '.')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// resolveOn looks name up on network n for the container whose endpoint
// there is own.
func (m *Manager) resolveOn(own *Endpoint, n *Network, name string) []netip.Addr {
	target := name
	for alias, to := range own.Links {
		if strings.EqualFold(alias, name) {
			target = to
			break
		}
	}
	var out []netip.Addr
	for _, ep := range m.Endpoints("", n.ID) {
		if ep.IP.IsValid() && ep.answers(target) {
			out = append(out, ep.IP)
		}
	}
	return out
}

// answers says whether the endpoint goes by name: its DNS names or its
// full container ID.
func (e *Endpoint) answers(name string) bool {
	if strings.EqualFold(e.ContainerID, name) {
		return true
	}
	return slices.ContainsFunc(e.Names(), func(n string) bool { return strings.EqualFold(n, name) })
}

// resolveAddr answers a reverse query (d.c.b.a.in-addr.arpa) for an
// address on one of the container's user networks with Docker's
// "<container name>.<network name>".
func (m *Manager) resolveAddr(containerID, arpa string) []string {
	addr, ok := parseReverse(arpa)
	if !ok {
		return nil
	}
	_, nets := m.userEndpoints(containerID)
	for _, n := range nets {
		for _, ep := range m.Endpoints("", n.ID) {
			if ep.IP == addr {
				return []string{ep.ContainerName + "." + n.Name}
			}
		}
	}
	return nil
}

// parseReverse reads an IPv4 in-addr.arpa name.
func parseReverse(name string) (netip.Addr, bool) {
	rest, ok := strings.CutSuffix(name, ".in-addr.arpa")
	if !ok {
		return netip.Addr{}, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	slices.Reverse(parts)
	a, err := netip.ParseAddr(strings.Join(parts, "."))
	return a, err == nil && a.Is4()
}

// mayForward says whether the container may reach the world's names: not
// when every network it is on is internal, as in Docker.
func (m *Manager) mayForward(containerID string) bool {
	_, nets := m.userEndpoints(containerID)
	return slices.ContainsFunc(nets, func(n *Network) bool { return !n.Internal })
}

// upstreamsFor are the resolvers the container's other names go to: its
// --dns servers, else the daemon's, else the host's.
func (m *Manager) upstreamsFor(containerID string) []string {
	for _, ep := range m.Endpoints(containerID, "") {
		if len(ep.DNS) > 0 {
			return ep.DNS
		}
	}
	if len(m.cfg.DNS) > 0 {
		return m.cfg.DNS
	}
	return hostResolvers(hostResolvConf, systemdResolvConf)
}

const (
	hostResolvConf = "/etc/resolv.conf"
	// systemdResolvConf lists the servers systemd-resolved forwards to,
	// which Docker uses when the host's file names only its stub.
	systemdResolvConf = "/run/systemd/resolve/resolv.conf"
)

// hostResolvers are the name servers of the host's resolv.conf. When the
// file names only loopback servers (a local stub such as systemd-resolved
// on 127.0.0.53), the servers that stub forwards to replace them, as
// Docker does; failing that the loopback ones stay, which berthd reaches
// from the host's namespace.
func hostResolvers(path, stubPath string) []string {
	servers := nameservers(path)
	if len(servers) > 0 && !slices.ContainsFunc(servers, func(s string) bool { return !isLoopback(s) }) {
		if upstream := nameservers(stubPath); len(upstream) > 0 && !slices.ContainsFunc(upstream, isLoopback) {
			return upstream
		}
	}
	return servers
}

func nameservers(path string) []string {
	data, _ := os.ReadFile(path)
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "nameserver" {
			if _, err := netip.ParseAddr(f[1]); err == nil {
				out = append(out, f[1])
			}
		}
	}
	return out
}

func isLoopback(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.IsLoopback()
}
