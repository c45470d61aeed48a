package network

import (
	"log/slog"

	"github.com/vishvananda/netlink"
)

// bridgeAlias marks (as the link's alias) the bridges Berth made itself,
// so that a stopping daemon removes its own bridges and never one it was
// given with --bridge or found in place.
const bridgeAlias = "berth"

// releaseHostIfIdle removes the bridges Berth made and its nftables table
// when no endpoint is left, that is when no container runs on any of its
// networks. New makes them again from the records. A daemon on a throwaway
// root (tests, benchmarks) thus leaves no bridge holding a subnet of the
// address pools, and no table. While endpoints remain, everything stays
// for those containers and the next berthd (live restore).
func (m *Manager) releaseHostIfIdle() {
	if eps, err := m.st.endpoints(func(*Endpoint) bool { return true }); err != nil || len(eps) > 0 {
		return
	}
	nets, err := m.st.networks()
	if err != nil {
		slog.Warn("reading networks at shutdown", "error", err)
		return
	}
	for _, n := range nets {
		if n.Driver != "bridge" || n.Bridge == "" {
			continue
		}
		l, err := netlink.LinkByName(n.Bridge)
		if err != nil || l.Attrs().Alias != bridgeAlias {
			continue
		}
		if err := netlink.LinkDel(l); err != nil {
			slog.Warn("removing bridge at shutdown", "bridge", n.Bridge, "error", err)
		}
	}
	if err := m.fw.remove(); err != nil {
		slog.Warn("removing nftables table at shutdown", "table", m.cfg.Table, "error", err)
	}
}
