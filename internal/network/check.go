package network

import (
	"fmt"
	"log/slog"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
)

// wantRules counts the rules apply writes for nets and nats; it follows
// apply's loops and must change with them.
func wantRules(nets []fwNetwork, nats []natRule) int {
	n := 2 * len(nats) // prerouting and output
	for _, fn := range nets {
		n += 1 + len(nets) - 1 // hairpin masquerade, drops to the other bridges
		if fn.internal {
			n += 2
		} else {
			n++ // outgoing masquerade
		}
	}
	return n
}

// FirewallProblem compares Berth's nftables table in the kernel with what
// the records make of it and says what differs ("" when nothing does).
// Rules are compared by count per table: a rule added, lost or left by
// an endpoint that is gone shows.
func (m *Manager) FirewallProblem() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	nets, err := m.st.networks()
	if err != nil {
		return "", err
	}
	fw, nats := m.firewallWanted(nets)
	want := wantRules(fw, nats)
	c, err := nftables.New()
	if err != nil {
		return "", err
	}
	t, err := c.ListTableOfFamily(m.fw.table, nftables.TableFamilyIPv4)
	if err != nil || t == nil {
		if len(fw) == 0 {
			return "", nil
		}
		return fmt.Sprintf("nftables table %s is missing", m.fw.table), nil
	}
	chains, err := c.ListChainsOfTableFamily(nftables.TableFamilyIPv4)
	if err != nil {
		return "", err
	}
	have := 0
	for _, ch := range chains {
		if ch.Table.Name != m.fw.table {
			continue
		}
		rules, err := c.GetRules(t, ch)
		if err != nil {
			return "", err
		}
		have += len(rules)
	}
	if have != want {
		return fmt.Sprintf("nftables table %s holds %d rules where the records make %d", m.fw.table, have, want), nil
	}
	return "", nil
}

// RebuildFirewall writes Berth's table again from the records.
func (m *Manager) RebuildFirewall() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fw.applied = ""
	return m.refreshLocked()
}

// StrayVeths lists the host ends of veth pairs on Berth's bridges that
// belong to no endpoint: left by a container whose endpoint went while
// its namespace (holding the peer) stayed.
func (m *Manager) StrayVeths() ([]string, error) {
	nets, err := m.st.networks()
	if err != nil {
		return nil, err
	}
	bridges := map[int]bool{}
	for _, n := range nets {
		if n.Driver != "bridge" {
			continue
		}
		if l, err := netlink.LinkByName(n.Bridge); err == nil {
			bridges[l.Attrs().Index] = true
		}
	}
	known := map[string]bool{}
	for _, ep := range m.Endpoints("", "") {
		known[vethName(ep)] = true
		if ep.HostVeth != "" {
			known[ep.HostVeth] = true
		}
	}
	links, err := netlink.LinkList()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range links {
		a := l.Attrs()
		if l.Type() == "veth" && bridges[a.MasterIndex] && !known[a.Name] {
			out = append(out, a.Name)
		}
	}
	return out, nil
}

// removeStrayVeths deletes, at start, the veths no endpoint owns: an
// endpoint is recorded before its veth is made, so with nothing running
// yet each is a leftover (a join cut short before the peer moved into
// the container's namespace, whose removal would have taken it along).
func (m *Manager) removeStrayVeths() {
	veths, err := m.StrayVeths()
	if err != nil {
		slog.Warn("looking for stray veths", "error", err)
		return
	}
	for _, v := range veths {
		if err := DeleteLink(v); err != nil {
			slog.Warn("removing a stray veth", "link", v, "error", err)
			continue
		}
		slog.Info("removed a veth an interrupted run left", "link", v)
	}
}

// DeleteLink removes a host interface (a stray veth; its peer goes too).
func DeleteLink(name string) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return err
	}
	return netlink.LinkDel(l)
}
