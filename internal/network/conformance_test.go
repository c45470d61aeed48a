package network

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/berth/berth/internal/testutil/need"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// hostLinks names the host's interfaces, to check a driver leaves none.
func hostLinks(t *testing.T) []string {
	links, err := netlink.LinkList()
	// Other programs' links come and go meanwhile, which interrupts the
	// kernel's dump; ask again.
	for i := 0; errors.Is(err, netlink.ErrDumpInterrupted) && i < 10; i++ {
		links, err = netlink.LinkList()
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range links {
		out = append(out, l.Attrs().Name)
	}
	sort.Strings(out)
	return out
}

// TestDriverConformance runs the Driver contract against every driver:
// create and join are idempotent, the endpoint gets its address, and
// leave and delete put the host back as it was.
func TestDriverConformance(t *testing.T) {
	need.Root(t, "drivers make bridges, veths and namespaces")
	bridgeName := fmt.Sprintf("bct%d", os.Getpid()%100000)
	cases := []struct {
		d      Driver
		n      *Network
		wantIP bool
	}{
		{Bridge{}, &Network{ID: "nb", Name: "b", Driver: "bridge", Bridge: bridgeName,
			Subnet: netip.MustParsePrefix("10.213.7.0/24"), Gateway: netip.MustParseAddr("10.213.7.1")}, true},
		{Null{}, &Network{ID: "nn", Name: "none", Driver: "null"}, false},
		{Host{}, &Network{ID: "nh", Name: "host", Driver: "host"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.d.Name(), func(t *testing.T) {
			ctx := context.Background()
			ep := &Endpoint{NetworkID: tc.n.ID, ContainerID: "c0123456789abcdef", ContainerName: "c"}
			// Other daemons may add links meanwhile: only those this
			// driver could have made are compared.
			mine := func() string {
				var out []string
				for _, l := range hostLinks(t) {
					if l == tc.n.Bridge || l == vethName(ep) || l == "p"+vethName(ep)[1:] {
						out = append(out, l)
					}
				}
				return fmt.Sprint(out)
			}
			before := mine()
			for range 2 {
				if err := tc.d.CreateNetwork(ctx, tc.n); err != nil {
					t.Fatalf("create: %v", err)
				}
			}
			path := filepath.Join(t.TempDir(), "ns")
			if err := CreateNetNS(path); err != nil {
				t.Fatal(err)
			}
			defer DeleteNetNS(path)
			if tc.wantIP {
				ep.IP = netip.MustParseAddr("10.213.7.2")
				ep.MAC = macFor(ep.IP)
			}
			if err := tc.d.Join(ctx, tc.n, ep, path); err != nil {
				t.Fatalf("join: %v", err)
			}
			if tc.wantIP {
				checkAddress(t, path, "eth0", ep.IP)
			}
			for range 2 {
				if err := tc.d.Leave(ctx, tc.n, ep); err != nil {
					t.Fatalf("leave: %v", err)
				}
			}
			for range 2 {
				if err := tc.d.DeleteNetwork(ctx, tc.n); err != nil {
					t.Fatalf("delete: %v", err)
				}
			}
			if after := mine(); after != before {
				t.Fatalf("links before %v, after %v", before, after)
			}
		})
	}
}

func checkAddress(t *testing.T, path, ifname string, want netip.Addr) {
	t.Helper()
	ns, err := netns.GetFromPath(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	l, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatalf("%s in the namespace: %v", ifname, err)
	}
	addrs, _ := h.AddrList(l, netlink.FAMILY_V4)
	for _, a := range addrs {
		if a.IP.String() == want.String() {
			return
		}
	}
	t.Fatalf("%s has %v, want %s", ifname, addrs, want)
}
