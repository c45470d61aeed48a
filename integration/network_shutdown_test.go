package integration

import (
	"strings"
	"testing"

	"github.com/berth/berth/internal/config"
	"github.com/berth/berth/internal/testutil"
	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
)

// daemonHostState reports which of d's bridges exist and whether its
// nftables table does.
func daemonHostState(t *testing.T, d *testutil.Daemon, bridges []string) (present []string, table bool) {
	t.Helper()
	for _, b := range bridges {
		if _, err := netlink.LinkByName(b); err == nil {
			present = append(present, b)
		}
	}
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	tables, err := c.ListTablesOfFamily(nftables.TableFamilyIPv4)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if tb.Name == "berth-"+config.DefaultBridge(d.DataRoot) {
			table = true
		}
	}
	return present, table
}

// TestShutdownReleasesNetworks: a daemon that stops while containers run
// keeps their bridges and table (they come back with it, live restore);
// one that stops with none running leaves no bridge or table of its own,
// and makes them again at the next start.
func TestShutdownReleasesNetworks(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	netID := strings.TrimSpace(docker(t, d, "network", "create", "app"))
	bridges := []string{config.DefaultBridge(d.DataRoot), "br-" + netID[:12]}
	docker(t, d, "run", "-d", "--name", "web", "busybox", "sleep", "300")
	docker(t, d, "run", "-d", "--name", "api", "--network", "app", "busybox", "sleep", "300")

	d.Stop(t)
	if present, table := daemonHostState(t, d, bridges); len(present) != 2 || !table {
		t.Fatalf("stopped with containers running: bridges %v, table %v; want both bridges and the table", present, table)
	}
	d.Restart(t)
	// Their network still works: each reaches its bridge.
	for _, c := range []struct{ name, network string }{{"web", "bridge"}, {"api", "app"}} {
		gw := strings.TrimSpace(docker(t, d, "network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", c.network))
		docker(t, d, "exec", c.name, "ping", "-c", "1", "-W", "2", gw)
	}
	docker(t, d, "rm", "-f", "web", "api")

	d.Stop(t)
	if present, table := daemonHostState(t, d, bridges); len(present) != 0 || table {
		t.Fatalf("stopped with no container: bridges %v, table %v left", present, table)
	}
	d.Restart(t)
	if present, table := daemonHostState(t, d, bridges); len(present) != 2 || !table {
		t.Fatalf("after a start: bridges %v, table %v; want both and the table", present, table)
	}
	if out := docker(t, d, "run", "--rm", "--network", "app", "busybox", "true"); out != "" {
		t.Fatalf("run on the network made again: %q", out)
	}
}
