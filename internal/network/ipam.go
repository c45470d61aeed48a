package network

import (
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"

	"github.com/containerd/errdefs"
)

// DefaultPools are Docker's default local address pools: 172.17.0.0/16
// (the default bridge) to 172.31.0.0/16, then /20s of 192.168.0.0/16.
func DefaultPools() []Pool {
	return []Pool{
		{Base: netip.MustParsePrefix("172.17.0.0/16"), Size: 16},
		{Base: netip.MustParsePrefix("172.18.0.0/15"), Size: 16},
		{Base: netip.MustParsePrefix("172.20.0.0/14"), Size: 16},
		{Base: netip.MustParsePrefix("172.24.0.0/14"), Size: 16},
		{Base: netip.MustParsePrefix("172.28.0.0/14"), Size: 16},
		{Base: netip.MustParsePrefix("192.168.0.0/16"), Size: 20},
	}
}

// Pool is a range that network subnets of one size are carved from
// (dockerd's --default-address-pool base=…,size=…).
type Pool struct {
	Base netip.Prefix
	Size int
}

// overlaps says whether two prefixes share an address.
func overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }

// nextSubnet returns the first subnet from pools that overlaps none of
// taken.
func nextSubnet(pools []Pool, taken []netip.Prefix) (netip.Prefix, error) {
	for _, p := range pools {
		base := p.Base.Masked()
		step := uint32(1) << (32 - p.Size)
		first := addrToU32(base.Addr())
		count := uint32(1) << (p.Size - base.Bits())
		for i := uint32(0); i < count; i++ {
			cand := netip.PrefixFrom(u32ToAddr(first+i*step), p.Size)
			free := true
			for _, t := range taken {
				if overlaps(cand, t) {
					free = false
					break
				}
			}
			if free {
				return cand, nil
			}
		}
	}
	return netip.Prefix{}, errf(errdefs.ErrUnavailable, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
}

// hostPrefixes lists the subnets of the host's own addresses, which a new
// network must not shadow (another daemon's bridge, the LAN).
func hostPrefixes() []netip.Prefix {
	var out []netip.Prefix
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.To4() == nil || ipn.IP.IsLoopback() {
			continue
		}
		if p, err := netip.ParsePrefix(ipn.String()); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}

// pickAddress returns want if it is free and inside the network, or the
// lowest free address of the range.
func pickAddress(n *Network, want netip.Addr, used map[string]bool) (netip.Addr, error) {
	sub := n.Subnet.Masked()
	last := u32ToAddr(addrToU32(sub.Addr()) | (uint32(1)<<(32-sub.Bits()) - 1))
	reserved := func(a netip.Addr) bool {
		return a == sub.Addr() || a == last || a == n.Gateway || used[a.String()] || slices.Contains(slices.Collect(maps.Values(n.AuxAddresses)), a)
	}
	if want.IsValid() {
		if !sub.Contains(want) {
			return netip.Addr{}, errf(errdefs.ErrInvalidArgument, "no configured subnet contains IP address %s", want)
		}
		if reserved(want) {
			return netip.Addr{}, errf(errdefs.ErrConflict, "Address already in use: %s", want)
		}
		return want, nil
	}
	rng := sub
	if n.IPRange.IsValid() {
		rng = n.IPRange.Masked()
	}
	for a := rng.Addr(); rng.Contains(a); a = a.Next() {
		if sub.Contains(a) && !reserved(a) {
			return a, nil
		}
	}
	return netip.Addr{}, errf(errdefs.ErrUnavailable, "no available IPv4 addresses on this network's address pools: %s", n.Name)
}

// macFor derives the MAC from the address as Docker does (02:42 + IPv4),
// so a container keeps its MAC as long as its address.
func macFor(ip netip.Addr) string {
	b := ip.As4()
	return fmt.Sprintf("02:42:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3])
}

func addrToU32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func u32ToAddr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
