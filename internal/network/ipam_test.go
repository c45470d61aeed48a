package network

import (
	"net/netip"
	"testing"
)

func TestNextSubnetSkipsTaken(t *testing.T) {
	got, err := nextSubnet(DefaultPools(), nil)
	if err != nil || got.String() != "172.17.0.0/16" {
		t.Fatalf("first = %v, %v", got, err)
	}
	got, _ = nextSubnet(DefaultPools(), []netip.Prefix{netip.MustParsePrefix("172.17.0.0/16"), netip.MustParsePrefix("172.18.5.0/24")})
	if got.String() != "172.19.0.0/16" {
		t.Fatalf("after taken = %v", got)
	}
	small := []Pool{{Base: netip.MustParsePrefix("10.1.0.0/23"), Size: 24}}
	got, _ = nextSubnet(small, []netip.Prefix{netip.MustParsePrefix("10.1.0.0/24")})
	if got.String() != "10.1.1.0/24" {
		t.Fatalf("custom pool = %v", got)
	}
	if _, err := nextSubnet(small, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}); err == nil {
		t.Fatal("exhausted pool gave a subnet")
	}
}

func TestPickAddress(t *testing.T) {
	n := &Network{Name: "n", Subnet: netip.MustParsePrefix("10.2.0.0/29"), Gateway: netip.MustParseAddr("10.2.0.1")}
	used := map[string]bool{"10.2.0.2": true}
	a, err := pickAddress(n, netip.Addr{}, used)
	if err != nil || a.String() != "10.2.0.3" {
		t.Fatalf("got %v %v", a, err)
	}
	if _, err := pickAddress(n, netip.MustParseAddr("10.2.0.2"), used); err == nil {
		t.Fatal("an address in use was handed out again")
	}
	if _, err := pickAddress(n, netip.MustParseAddr("10.3.0.2"), used); err == nil {
		t.Fatal("an address outside the subnet was accepted")
	}
	for _, a := range []string{"10.2.0.3", "10.2.0.4", "10.2.0.5", "10.2.0.6"} {
		used[a] = true
	}
	if a, err := pickAddress(n, netip.Addr{}, used); err == nil {
		t.Fatalf("full network gave %v (broadcast must stay free)", a)
	}
	n.IPRange = netip.MustParsePrefix("10.2.0.4/30")
	delete(used, "10.2.0.3")
	if _, err := pickAddress(n, netip.Addr{}, used); err == nil {
		t.Fatal("address outside --ip-range handed out")
	}
}

func TestMACFollowsAddress(t *testing.T) {
	if m := macFor(netip.MustParseAddr("172.17.0.2")); m != "02:42:ac:11:00:02" {
		t.Fatal(m)
	}
}
