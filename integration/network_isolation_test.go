package integration

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/vishvananda/netlink"
)

// These tests send traffic only to addresses of the networks they create
// and to an interface they add to the host; busybox nc is the client
// (its wget crashes in this environment), with a one-second timeout.

const isoServer = "while true; do echo hello | nc -l -p 8080; done"

// helloOn starts a container on netName answering "hello" on port 8080
// and returns its address there.
func helloOn(t *testing.T, d *testutil.Daemon, name, netName string) string {
	t.Helper()
	docker(t, d, "run", "-d", "--name", name, "--network", netName, "busybox", "sh", "-c", isoServer)
	f := fmt.Sprintf("{{(index .NetworkSettings.Networks %q).IPAddress}}", netName)
	ip := strings.TrimSpace(docker(t, d, "inspect", "-f", f, name))
	if net.ParseIP(ip) == nil {
		t.Fatalf("%s has no address on %s: %q", name, netName, ip)
	}
	return ip
}

// reaches says whether a container on netName gets the greeting from
// addr:port.
func reaches(t *testing.T, d *testutil.Daemon, netName, addr string, port int) bool {
	t.Helper()
	stdout, _, _ := testutil.Docker(t, d, "run", "--rm", "--network", netName, "busybox", "sh", "-c",
		fmt.Sprintf("echo | nc -w 1 %s %d", addr, port))
	return strings.TrimSpace(stdout) == "hello"
}

// mustReach retries for a moment: the server's listener may still be
// starting.
func mustReach(t *testing.T, d *testutil.Daemon, netName, addr string, port int) {
	t.Helper()
	for i := 0; ; i++ {
		if reaches(t, d, netName, addr, port) {
			return
		}
		if i == 4 {
			t.Fatalf("a container on %s cannot reach %s:%d", netName, addr, port)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestNetworkIsolationBridges(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	docker(t, d, "network", "create", "--subnet", "10.214.1.0/24", "isoa")
	docker(t, d, "network", "create", "--subnet", "10.214.2.0/24", "isob")
	a := helloOn(t, d, "srva", "isoa")
	b := helloOn(t, d, "srvb", "isob")

	mustReach(t, d, "isoa", a, 8080)
	mustReach(t, d, "isob", b, 8080)
	if reaches(t, d, "isob", a, 8080) {
		t.Fatal("a container on isob reached one on isoa")
	}
	if reaches(t, d, "isoa", b, 8080) {
		t.Fatal("a container on isoa reached one on isob")
	}
	if reaches(t, d, "bridge", a, 8080) {
		t.Fatal("a container on the default bridge reached one on isoa")
	}
	docker(t, d, "rm", "-f", "srva", "srvb")
	docker(t, d, "network", "rm", "isoa", "isob")
}

// hostAddress adds an interface with addr to the host (a veth pair: the
// kernel here has no dummy driver) and serves the greeting there,
// standing for the host's address on another interface.
func hostAddress(t *testing.T, name, addr string) int {
	t.Helper()
	if old, err := netlink.LinkByName(name); err == nil {
		netlink.LinkDel(old) // left by an interrupted run
	}
	link := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name}, PeerName: name + "p"}
	if err := netlink.LinkAdd(link); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { netlink.LinkDel(link) })
	a, err := netlink.ParseAddr(addr + "/32")
	if err != nil {
		t.Fatal(err)
	}
	if err := netlink.AddrAdd(link, a); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{name, name + "p"} {
		l, err := netlink.LinkByName(n)
		if err == nil {
			err = netlink.LinkSetUp(l)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp4", addr+":0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("hello\n"))
			c.Close()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func TestNetworkIsolationInternal(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	const hostIP = "10.214.99.1"
	port := hostAddress(t, "berthiso0", hostIP)
	docker(t, d, "network", "create", "--internal", "--subnet", "10.214.3.0/24", "isoint")
	docker(t, d, "network", "create", "--subnet", "10.214.4.0/24", "isoext")

	// Containers on the internal network reach each other...
	srv := helloOn(t, d, "srvint", "isoint")
	mustReach(t, d, "isoint", srv, 8080)
	// ...and nothing off the bridge: no default route, and the host's
	// address on another interface is out of reach, while a container on
	// an ordinary network gets there.
	routes := docker(t, d, "run", "--rm", "--network", "isoint", "busybox", "ip", "route")
	if strings.Contains(routes, "default") || !strings.Contains(routes, "10.214.3.0/24") {
		t.Fatalf("routes on an internal network:\n%s", routes)
	}
	mustReach(t, d, "isoext", hostIP, port)
	if reaches(t, d, "isoint", hostIP, port) {
		t.Fatal("a container on an internal network reached the host's other interface")
	}
	if reaches(t, d, "isoext", srv, 8080) {
		t.Fatal("a container on isoext reached one on the internal network")
	}
	docker(t, d, "rm", "-f", "srvint")
	docker(t, d, "network", "rm", "isoint", "isoext")
}
