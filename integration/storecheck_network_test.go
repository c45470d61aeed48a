package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/config"
	"github.com/berth/berth/internal/testutil"
	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/vishvananda/netlink"
)

// TestStoreCheckNetworks plants the network leaks a crash can leave (a
// veth on the daemon's bridge that no endpoint owns, a namespace mount
// point of a container that is gone, a rule in Berth's table that the
// records do not make) and checks that the store check names each and
// that a repair leaves the host as the records say, with the containers'
// network still working.
func TestStoreCheckNetworks(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	docker(t, d, "run", "-d", "--name", "web", "-p", "127.0.0.1::80", "busybox", "sleep", "300")
	requireClean(t, d, "a run with a published port")

	bridge := config.DefaultBridge(d.DataRoot)
	br, err := netlink.LinkByName(bridge)
	if err != nil {
		t.Fatal(err)
	}
	stray := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "vethstray0", MasterIndex: br.Attrs().Index}, PeerName: "vethstray0p"}
	if err := netlink.LinkAdd(stray); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { netlink.LinkDel(stray) })
	gone := filepath.Join(d.ExecRoot, "netns", strings.Repeat("ab", 32))
	if err := os.WriteFile(gone, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(gone) })
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	table := &nftables.Table{Name: "berth-" + bridge, Family: nftables.TableFamilyIPv4}
	c.AddRule(&nftables.Rule{Table: table, Chain: &nftables.Chain{Name: "forward", Table: table}, Exprs: []expr.Any{&expr.Verdict{Kind: expr.VerdictAccept}}})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}

	rep := storeCheck(t, d, false)
	for _, want := range []string{"veth on a Berth bridge", "container is gone but holds namespace mount point", "nftables table"} {
		n := 0
		for _, p := range rep.Problems {
			if strings.Contains(p.Problem, want) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d problems say %q: %v", n, want, rep.Problems)
		}
	}
	if len(rep.Problems) != 3 {
		t.Errorf("want 3 problems: %v", rep.Problems)
	}
	for _, p := range storeCheck(t, d, true).Problems {
		if !p.Repaired {
			t.Errorf("not repaired: %v", p)
		}
	}
	requireClean(t, d, "repair")
	if _, err := netlink.LinkByName("vethstray0"); err == nil {
		t.Error("the stray veth is still there")
	}
	gw := strings.TrimSpace(docker(t, d, "network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", "bridge"))
	docker(t, d, "exec", "web", "ping", "-c", "1", "-W", "2", gw)
}
