package network

import (
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
)

// chooseGatewayLocked points the container's default route at the
// gateway of its endpoint with the highest GwPriority, as Docker does when
// a network is connected or disconnected. Among equals the route stays
// where it is, so connecting a network of the same priority changes
// nothing. After a join with a single candidate the driver's route is
// already right (min 2); after a leave the route may have gone with the
// interface, so one candidate is enough to put it back (min 1).
func (m *Manager) chooseGatewayLocked(containerID, netnsPath string, min int) error {
	if netnsPath == "" {
		return nil
	}
	var best *Endpoint
	var bestNet *Network
	byGateway := map[string]*Endpoint{}
	candidates := 0
	for _, ep := range m.Endpoints(containerID, "") {
		n, err := m.Get(ep.NetworkID)
		if err != nil || n.Driver != "bridge" || n.Internal || !n.Gateway.IsValid() || !ep.IP.IsValid() {
			continue
		}
		candidates++
		byGateway[n.Gateway.String()] = ep
		if best == nil || ep.GwPriority > best.GwPriority {
			best, bestNet = ep, n
		}
	}
	if candidates < min || candidates == 0 {
		return nil
	}
	h, err := netlinkHandleAt(netnsPath)
	if err != nil {
		return err
	}
	defer h.Close()
	routes, err := h.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("routes in container: %w", err)
	}
	for _, r := range routes {
		if (r.Dst == nil || r.Dst.IP.IsUnspecified()) && r.Gw != nil {
			if cur := byGateway[r.Gw.String()]; cur != nil && cur.GwPriority >= best.GwPriority {
				return nil
			}
		}
	}
	link, err := linkWithAddr(h, net.IP(best.IP.AsSlice()))
	if err != nil {
		return err
	}
	if err := h.RouteReplace(&netlink.Route{LinkIndex: link.Attrs().Index, Gw: bestNet.Gateway.AsSlice()}); err != nil {
		return fmt.Errorf("default route in container: %w", err)
	}
	return nil
}

// netNSOf is the container's namespace as its endpoints recorded it; ""
// when none did (only predefined networks left).
func (m *Manager) netNSOf(containerID string) string {
	for _, ep := range m.Endpoints(containerID, "") {
		if ep.NetNS != "" {
			return ep.NetNS
		}
	}
	return ""
}

// linkWithAddr finds the container's interface holding ip.
func linkWithAddr(h *netlink.Handle, ip net.IP) (netlink.Link, error) {
	links, err := h.LinkList()
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		addrs, _ := h.AddrList(l, netlink.FAMILY_V4)
		for _, a := range addrs {
			if a.IP.Equal(ip) {
				return l, nil
			}
		}
	}
	return nil, fmt.Errorf("no interface in the container has %s", ip)
}
