package network

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/vishvananda/netlink"
)

// Bridge is the driver for bridge networks: a Linux bridge per network and
// a veth pair per endpoint, one end in the container's namespace.
type Bridge struct{}

// Name implements Driver.
func (Bridge) Name() string { return "bridge" }

// CreateNetwork implements Driver.
func (Bridge) CreateNetwork(_ context.Context, n *Network) error {
	link, err := netlink.LinkByName(n.Bridge)
	if err != nil {
		br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: n.Bridge}}
		if err := netlink.LinkAdd(br); err != nil {
			return fmt.Errorf("creating bridge %s: %w", n.Bridge, err)
		}
		if link, err = netlink.LinkByName(n.Bridge); err != nil {
			return err
		}
		if err := netlink.LinkSetAlias(link, bridgeAlias); err != nil {
			return fmt.Errorf("marking bridge %s: %w", n.Bridge, err)
		}
	}
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: n.Gateway.AsSlice(), Mask: net.CIDRMask(n.Subnet.Bits(), 32)}}
	if err := netlink.AddrReplace(link, addr); err != nil {
		return fmt.Errorf("address on bridge %s: %w", n.Bridge, err)
	}
	// Published ports on 127.0.0.1 are DNATed to the bridge; the kernel
	// drops loopback sources on other interfaces unless told otherwise.
	os.WriteFile("/proc/sys/net/ipv4/conf/"+n.Bridge+"/route_localnet", []byte("1"), 0o644)
	return netlink.LinkSetUp(link)
}

// DeleteNetwork implements Driver.
func (Bridge) DeleteNetwork(_ context.Context, n *Network) error {
	link, err := netlink.LinkByName(n.Bridge)
	if err != nil {
		return nil // already gone
	}
	return netlink.LinkDel(link)
}

// vethName is the host end's name: stable for an endpoint, under the
// kernel's 15-byte limit.
func vethName(ep *Endpoint) string {
	h := sha256.Sum256([]byte(ep.NetworkID + "/" + ep.ContainerID))
	return "veth" + hex.EncodeToString(h[:])[:10]
}

// Join implements Driver.
func (Bridge) Join(_ context.Context, n *Network, ep *Endpoint, netnsPath string) error {
	br, err := netlink.LinkByName(n.Bridge)
	if err != nil {
		return fmt.Errorf("bridge %s: %w", n.Bridge, err)
	}
	ns, err := os.Open(netnsPath)
	if err != nil {
		return fmt.Errorf("container netns: %w", err)
	}
	defer ns.Close()
	h, err := netlinkHandleAt(netnsPath)
	if err != nil {
		return err
	}
	defer h.Close()

	host := vethName(ep)
	if old, err := netlink.LinkByName(host); err == nil {
		netlink.LinkDel(old) // left from an earlier run of this container
	}
	peer := "p" + host[1:]
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: host, MasterIndex: br.Attrs().Index}, PeerName: peer}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("creating veth pair: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			netlink.LinkDel(veth)
		}
	}()
	pl, err := netlink.LinkByName(peer)
	if err != nil {
		return err
	}
	if err := netlink.LinkSetNsFd(pl, int(ns.Fd())); err != nil {
		return fmt.Errorf("moving veth into netns: %w", err)
	}
	if err := netlink.LinkSetUp(veth); err != nil {
		return err
	}
	ifname := ep.IfName
	if ifname == "" {
		ifname = nextEthName(h)
	}
	if err := configureInside(h, peer, ifname, n, ep); err != nil {
		return err
	}
	ep.HostVeth = host
	ok = true
	return nil
}

// nextEthName is the first ethN not yet in the namespace; an interface
// named by the client may have taken any of them.
func nextEthName(h *netlink.Handle) string {
	for i := 0; ; i++ {
		name := fmt.Sprintf("eth%d", i)
		if _, err := h.LinkByName(name); err != nil {
			return name
		}
	}
}

func configureInside(h *netlink.Handle, peer, ifname string, n *Network, ep *Endpoint) error {
	l, err := h.LinkByName(peer)
	if err != nil {
		return err
	}
	if err := h.LinkSetName(l, ifname); err != nil {
		return fmt.Errorf("naming the interface %s in the container: %w", ifname, err)
	}
	if mac, err := net.ParseMAC(ep.MAC); err == nil {
		if err := h.LinkSetHardwareAddr(l, mac); err != nil {
			return err
		}
	}
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: ep.IP.AsSlice(), Mask: net.CIDRMask(n.Subnet.Bits(), 32)}}
	if err := h.AddrAdd(l, addr); err != nil {
		return fmt.Errorf("address in container: %w", err)
	}
	if err := h.LinkSetUp(l); err != nil {
		return err
	}
	if lo, err := h.LinkByName("lo"); err == nil {
		h.LinkSetUp(lo)
	}
	if n.Internal {
		return nil
	}
	// Only the first network with a gateway gives the default route.
	routes, _ := h.RouteList(nil, netlink.FAMILY_V4)
	for _, r := range routes {
		if r.Dst == nil || r.Dst.IP.IsUnspecified() {
			return nil
		}
	}
	err = h.RouteAdd(&netlink.Route{LinkIndex: l.Attrs().Index, Gw: n.Gateway.AsSlice()})
	if err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("default route in container: %w", err)
	}
	return nil
}

// Leave implements Driver.
func (Bridge) Leave(_ context.Context, _ *Network, ep *Endpoint) error {
	name := ep.HostVeth
	if name == "" {
		name = vethName(ep)
	}
	if l, err := netlink.LinkByName(name); err == nil {
		return netlink.LinkDel(l)
	}
	return nil
}

// Null is the driver of the "none" network: the container keeps only its
// loopback interface.
type Null struct{}

// Name implements Driver.
func (Null) Name() string { return "null" }

// CreateNetwork implements Driver.
func (Null) CreateNetwork(context.Context, *Network) error { return nil }

// DeleteNetwork implements Driver.
func (Null) DeleteNetwork(context.Context, *Network) error { return nil }

// Join implements Driver.
func (Null) Join(_ context.Context, _ *Network, _ *Endpoint, netnsPath string) error {
	h, err := netlinkHandleAt(netnsPath)
	if err != nil {
		return err
	}
	defer h.Close()
	if lo, err := h.LinkByName("lo"); err == nil {
		return h.LinkSetUp(lo)
	}
	return nil
}

// Leave implements Driver.
func (Null) Leave(context.Context, *Network, *Endpoint) error { return nil }
