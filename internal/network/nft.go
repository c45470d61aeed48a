package network

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// firewall owns one nftables table (family ip) and nothing else: Berth
// never reads or changes other software's tables. The table is rebuilt
// whole in one atomic batch from the records on every change, so what is
// in the kernel is always a function of the stored state.
type firewall struct {
	table string
	// applied describes what is in the kernel since the last apply. Most
	// container starts and stops change no rule (no published port), and
	// rebuilding the table for them would sit on every run's critical path.
	applied string
}

// natRule is one published port realised as DNAT.
type natRule struct {
	pm PortMapping
	to netip.Addr
}

// fwNetwork is what the firewall needs of a bridge network.
type fwNetwork struct {
	bridge   string
	subnet   netip.Prefix
	internal bool
}

func (f *firewall) apply(nets []fwNetwork, nats []natRule) error {
	want := fmt.Sprint(nets, nats)
	if want == f.applied {
		return nil
	}
	c, err := nftables.New()
	if err != nil {
		return err
	}
	f.applied = ""
	if old, err := c.ListTableOfFamily(f.table, nftables.TableFamilyIPv4); err == nil && old != nil {
		c.DelTable(old)
	}
	if len(nets) == 0 {
		if err := c.Flush(); err != nil {
			return err
		}
		f.applied = want
		return nil
	}
	t := c.AddTable(&nftables.Table{Name: f.table, Family: nftables.TableFamilyIPv4})
	accept := nftables.ChainPolicyAccept
	chain := func(name string, typ nftables.ChainType, hook *nftables.ChainHook, prio *nftables.ChainPriority) *nftables.Chain {
		return c.AddChain(&nftables.Chain{Name: name, Table: t, Type: typ, Hooknum: hook, Priority: prio, Policy: &accept})
	}
	pre := chain("prerouting", nftables.ChainTypeNAT, nftables.ChainHookPrerouting, nftables.ChainPriorityNATDest)
	out := chain("output", nftables.ChainTypeNAT, nftables.ChainHookOutput, nftables.ChainPriorityNATDest)
	post := chain("postrouting", nftables.ChainTypeNAT, nftables.ChainHookPostrouting, nftables.ChainPriorityNATSource)
	fwd := chain("forward", nftables.ChainTypeFilter, nftables.ChainHookForward, nftables.ChainPriorityFilter)
	rule := func(ch *nftables.Chain, e ...expr.Any) { c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: e}) }

	for _, n := range nets {
		if !n.internal {
			// Outgoing traffic leaves with the host's address.
			rule(post, cat(matchPrefix(12, n.subnet), matchIfname(expr.MetaKeyOIFNAME, n.bridge, false), []expr.Any{&expr.Masq{}})...)
		}
		// Hairpin and 127.0.0.1: a DNATed connection into the bridge from
		// the host's loopback or from the bridge itself must come back
		// through the host, so it is masqueraded too.
		rule(post, cat(matchIfname(expr.MetaKeyOIFNAME, n.bridge, true), matchDNATed(), []expr.Any{&expr.Masq{}})...)
		for _, o := range nets {
			if o.bridge == n.bridge {
				continue
			}
			// Different bridge networks cannot reach each other.
			rule(fwd, cat(matchIfname(expr.MetaKeyIIFNAME, n.bridge, true), matchIfname(expr.MetaKeyOIFNAME, o.bridge, true), []expr.Any{&expr.Verdict{Kind: expr.VerdictDrop}})...)
		}
		if n.internal {
			rule(fwd, cat(matchIfname(expr.MetaKeyIIFNAME, n.bridge, true), matchIfname(expr.MetaKeyOIFNAME, n.bridge, false), []expr.Any{&expr.Verdict{Kind: expr.VerdictDrop}})...)
			rule(fwd, cat(matchIfname(expr.MetaKeyOIFNAME, n.bridge, true), matchIfname(expr.MetaKeyIIFNAME, n.bridge, false), []expr.Any{&expr.Verdict{Kind: expr.VerdictDrop}})...)
		}
	}
	for _, r := range nats {
		for _, ch := range []*nftables.Chain{pre, out} {
			rule(ch, dnatExprs(r)...)
		}
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables table %s: %w", f.table, err)
	}
	f.applied = want
	return nil
}

// remove deletes the table, if it is there.
func (f *firewall) remove() error { return f.apply(nil, nil) }

func cat(parts ...[]expr.Any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// matchPrefix matches the IPv4 address at offset (12 source, 16
// destination) against p.
func matchPrefix(offset uint32, p netip.Prefix) []expr.Any {
	mask := make([]byte, 4)
	binary.BigEndian.PutUint32(mask, ^uint32(0)<<(32-p.Bits()))
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: offset, Len: 4},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: make([]byte, 4)},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: p.Masked().Addr().AsSlice()},
	}
}

func matchIfname(key expr.MetaKey, name string, eq bool) []expr.Any {
	b := make([]byte, 16)
	copy(b, name)
	op := expr.CmpOpEq
	if !eq {
		op = expr.CmpOpNeq
	}
	return []expr.Any{&expr.Meta{Key: key, Register: 1}, &expr.Cmp{Op: op, Register: 1, Data: b}}
}

func matchDNATed() []expr.Any {
	return []expr.Any{
		&expr.Ct{Register: 1, Key: expr.CtKeySTATUS},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4,
			Mask: binaryutil.NativeEndian.PutUint32(0x20), Xor: binaryutil.NativeEndian.PutUint32(0)}, // IPS_DST_NAT
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: binaryutil.NativeEndian.PutUint32(0)},
	}
}

func dnatExprs(r natRule) []expr.Any {
	var e []expr.Any
	if r.pm.HostIP.IsValid() && !r.pm.HostIP.IsUnspecified() {
		e = append(e, &expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: r.pm.HostIP.AsSlice()})
	} else {
		// Any address of this host.
		e = append(e, &expr.Fib{Register: 1, FlagDADDR: true, ResultADDRTYPE: true},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binaryutil.NativeEndian.PutUint32(unix.RTN_LOCAL)})
	}
	proto := byte(unix.IPPROTO_TCP)
	if r.pm.Proto == "udp" {
		proto = unix.IPPROTO_UDP
	}
	e = append(e,
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binaryutil.BigEndian.PutUint16(r.pm.HostPort)},
		&expr.Immediate{Register: 1, Data: r.to.AsSlice()},
		&expr.Immediate{Register: 2, Data: binaryutil.BigEndian.PutUint16(r.pm.ContainerPort)},
		&expr.NAT{Type: expr.NATTypeDestNAT, Family: unix.NFPROTO_IPV4, RegAddrMin: 1, RegProtoMin: 2, Specified: true},
	)
	return e
}
