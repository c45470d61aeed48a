package integration

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/config"
	"github.com/berth/berth/internal/testutil"
	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
)

// hostNetState is the links and nftables rules this daemon could have
// made (its bridges, the veths on them, its table), to check that removing
// containers and networks puts them back. Other daemons may run meanwhile,
// so their links and tables are left out: the user bridges counted are
// those of this daemon's networks, and extra (bridges of networks the test
// removed, to see they went with them).
func hostNetState(t *testing.T, d *testutil.Daemon, extra ...string) string {
	t.Helper()
	bridge := config.DefaultBridge(d.DataRoot)
	links, err := netlink.LinkList()
	// Other daemons' links come and go meanwhile, which interrupts the
	// kernel's dump; ask again.
	for i := 0; errors.Is(err, netlink.ErrDumpInterrupted) && i < 10; i++ {
		links, err = netlink.LinkList()
	}
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{bridge: true}
	for _, n := range extra {
		names[n] = true
	}
	for _, id := range strings.Fields(docker(t, d, "network", "ls", "-q", "--no-trunc")) {
		names["br-"+id[:12]] = true
	}
	ours := map[int]bool{}
	for _, l := range links {
		if names[l.Attrs().Name] {
			ours[l.Attrs().Index] = true
		}
	}
	var out []string
	for _, l := range links {
		if a := l.Attrs(); ours[a.Index] || ours[a.MasterIndex] {
			out = append(out, "link "+a.Name)
		}
	}
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	chains, err := c.ListChains()
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chains {
		if ch.Table.Name != "berth-"+bridge {
			continue
		}
		rules, _ := c.GetRules(ch.Table, ch)
		out = append(out, fmt.Sprintf("chain %s/%s: %d rules", ch.Table.Name, ch.Name, len(rules)))
	}
	if len(out) == 0 {
		t.Fatal("found neither the default bridge nor the nftables table")
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// readPort reads what a server in a container sends on connect.
func readPort(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c)
	return string(b), err
}

const helloServer = "while true; do echo hello | nc -l -p 80; done"

func TestNetworkDefaultBridge(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	out := docker(t, d, "run", "--rm", "--hostname", "box", "busybox", "sh", "-c", "ip -4 addr show eth0; ip route; cat /etc/hosts")
	if !strings.Contains(out, "inet ") || !strings.Contains(out, "default via") {
		t.Fatalf("no address or route on the default bridge:\n%s", out)
	}
	ip := strings.Fields(strings.SplitN(out[strings.Index(out, "inet ")+5:], "/", 2)[0])[0]
	if !strings.Contains(out, ip+"\tbox") {
		t.Fatalf("/etc/hosts lacks %s box:\n%s", ip, out)
	}
	if out := docker(t, d, "run", "--rm", "--network", "none", "busybox", "ip", "-o", "link"); strings.Contains(out, "eth0") {
		t.Fatalf("--network none has eth0:\n%s", out)
	}
	if out := docker(t, d, "run", "--rm", "--network", "host", "busybox", "cat", "/proc/net/dev"); !strings.Contains(out, "lo:") {
		t.Fatalf("host network: %s", out)
	}
}

func TestNetworkUserBridgeDNSPortsCleanup(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	before := hostNetState(t, d)

	tnet := strings.TrimSpace(docker(t, d, "network", "create", "--subnet", "10.213.0.0/24", "--label", "k=v", "tnet"))
	if msg := dockerFails(t, d, "network", "create", "--subnet", "10.213.0.128/25", "other"); !strings.Contains(msg, "Pool overlaps with other one on this address space") {
		t.Fatalf("overlap: %s", msg)
	}
	if msg := dockerFails(t, d, "network", "inspect", "nosuch"); !strings.Contains(msg, "network nosuch not found") {
		t.Fatalf("unknown: %s", msg)
	}
	port := freePort(t)
	id := strings.TrimSpace(docker(t, d, "run", "-d", "--name", "srv", "--network", "tnet", "--network-alias", "web",
		"-p", fmt.Sprintf("%d:80", port), "busybox", "sh", "-c", helloServer))
	if out := docker(t, d, "port", "srv"); !strings.Contains(out, fmt.Sprintf("80/tcp -> 0.0.0.0:%d", port)) {
		t.Fatalf("docker port: %q", out)
	}
	for _, name := range []string{"srv", "web", id[:12]} {
		out := docker(t, d, "run", "--rm", "--network", "tnet", "busybox", "sh", "-c", "echo | nc "+name+" 80")
		if strings.TrimSpace(out) != "hello" {
			t.Fatalf("by name %s: %q", name, out)
		}
	}
	// The default bridge has no names, and is isolated from tnet.
	if _, _, code := testutil.Docker(t, d, "run", "--rm", "busybox", "nslookup", "srv"); code == 0 {
		t.Fatal("name resolved on the default bridge")
	}
	if got, err := readPort(fmt.Sprintf("127.0.0.1:%d", port)); err != nil || strings.TrimSpace(got) != "hello" {
		t.Fatalf("published port on 127.0.0.1: %q %v", got, err)
	}
	if msg := dockerFails(t, d, "network", "rm", "tnet"); !strings.Contains(msg, "has active endpoints") {
		t.Fatalf("rm in use: %s", msg)
	}
	insp := docker(t, d, "network", "inspect", "-f", "{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}", "tnet")
	if !strings.HasPrefix(insp, "srv 10.213.0.") {
		t.Fatalf("inspect containers: %q", insp)
	}

	docker(t, d, "run", "-d", "--name", "plain", "busybox", "sleep", "300")
	docker(t, d, "network", "connect", "--alias", "second", "tnet", "plain")
	if out := docker(t, d, "run", "--rm", "--network", "tnet", "busybox", "nslookup", "second"); !strings.Contains(out, "10.213.0.") {
		t.Fatalf("connect --alias: %s", out)
	}
	docker(t, d, "network", "disconnect", "tnet", "plain")
	docker(t, d, "rm", "-f", "plain")

	// The port mapping survives kill -9 of berthd.
	d.Kill()
	d.Restart(t)
	if got, err := readPort(fmt.Sprintf("127.0.0.1:%d", port)); err != nil || strings.TrimSpace(got) != "hello" {
		t.Fatalf("after restart: %q %v", got, err)
	}
	if out := docker(t, d, "ps", "--format", "{{.Names}} {{.Ports}}"); !strings.Contains(out, fmt.Sprintf("srv 0.0.0.0:%d->80/tcp", port)) {
		t.Fatalf("ps after restart: %q", out)
	}
	docker(t, d, "rm", "-f", "srv")
	docker(t, d, "network", "rm", "tnet")
	if after := hostNetState(t, d, "br-"+tnet[:12]); after != before {
		t.Fatalf("host network state not restored:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestNetworkAPIErrors(t *testing.T) {
	d := testutil.StartDaemon(t)
	hc := d.HTTPClient()
	resp, err := hc.Post("http://berth/networks/create", "application/json",
		strings.NewReader(`{"Name":"bad","IPAM":{"Config":[{"Subnet":"10.0.0.0/99"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("invalid CIDR: %d", resp.StatusCode)
	}
	resp, err = hc.Get("http://berth/networks/nosuch")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown network: %d", resp.StatusCode)
	}
}

func TestNetworkLinks(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	id := strings.TrimSpace(docker(t, d, "run", "-d", "--name", "db", "busybox", "sh", "-c", helloServer))
	ip := strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.NetworkSettings.Networks.bridge.IPAddress}}", "db"))

	// Docker's hosts line: address, alias, the linked container's
	// hostname, and its name when the alias differs.
	out := docker(t, d, "run", "--rm", "--link", "db:database", "busybox", "sh", "-c", "cat /etc/hosts; echo | nc -w 2 database 80")
	if want := ip + "\tdatabase " + id[:12] + " db\n"; !strings.Contains(out, want) {
		t.Fatalf("/etc/hosts lacks %q:\n%s", want, out)
	}
	if !strings.HasSuffix(strings.TrimSpace(out), "hello") {
		t.Fatalf("link alias unreachable:\n%s", out)
	}
	if out := docker(t, d, "run", "--rm", "--link", "db", "busybox", "cat", "/etc/hosts"); !strings.Contains(out, ip+"\tdb "+id[:12]+"\n") {
		t.Fatalf("--link db:\n%s", out)
	}

	docker(t, d, "create", "--name", "idle", "busybox", "true")
	msg := dockerFails(t, d, "run", "--name", "linker", "--link", "idle:i", "busybox", "true")
	if !strings.Contains(msg, "Cannot link to a non running container: /idle AS /linker/i") {
		t.Fatalf("link to a stopped container: %s", msg)
	}
	if msg := dockerFails(t, d, "run", "--rm", "--link", "nosuch:x", "busybox", "true"); !strings.Contains(msg, "could not get container for nosuch") {
		t.Fatalf("link to a missing container: %s", msg)
	}

	// On a user network a link is an alias only the linking container
	// resolves.
	docker(t, d, "network", "create", "--subnet", "10.213.1.0/24", "lnet")
	docker(t, d, "run", "-d", "--name", "db2", "--network", "lnet", "busybox", "sh", "-c", helloServer)
	out = docker(t, d, "run", "--rm", "--network", "lnet", "--link", "db2:store", "busybox", "sh", "-c", "echo | nc -w 2 store 80")
	if strings.TrimSpace(out) != "hello" {
		t.Fatalf("link alias on a user network: %q", out)
	}
	if _, _, code := testutil.Docker(t, d, "run", "--rm", "--network", "lnet", "busybox", "nslookup", "store"); code == 0 {
		t.Fatal("a link alias resolved for a container without the link")
	}
	docker(t, d, "rm", "-f", "db", "db2", "linker", "idle")
	docker(t, d, "network", "rm", "lnet")
}
