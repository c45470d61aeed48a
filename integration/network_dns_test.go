package integration

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/berth/berth/internal/testutil/need"
	"github.com/miekg/dns"
)

// testResolver is an upstream DNS server on a loopback address of the
// host, standing in for the host's resolvers so that no query leaves the
// machine. It answers A queries for the names in answers and NXDOMAIN to
// the rest, and remembers what it was asked.
type testResolver struct {
	addr    string
	answers map[string]string
	mu      sync.Mutex
	asked   []string
}

func startTestResolver(t *testing.T, answers map[string]string) *testResolver {
	t.Helper()
	r := &testResolver{answers: answers}
	for try := 0; ; try++ {
		ip := fmt.Sprintf("127.%d.%d.%d", 100+rand.IntN(100), rand.IntN(250), 1+rand.IntN(250))
		pc, err := net.ListenPacket("udp4", ip+":53")
		if err != nil {
			if try == 10 {
				t.Fatal(err)
			}
			continue
		}
		l, err := net.Listen("tcp4", ip+":53")
		if err != nil {
			pc.Close()
			continue
		}
		r.addr = ip
		for _, srv := range []*dns.Server{{PacketConn: pc, Handler: r}, {Listener: l, Handler: r}} {
			started := make(chan struct{})
			srv.NotifyStartedFunc = func() { close(started) }
			go srv.ActivateAndServe()
			<-started
			t.Cleanup(func() { srv.Shutdown() })
		}
		return r
	}
}

func (r *testResolver) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	qq := q.Question[0]
	name := strings.TrimSuffix(qq.Name, ".")
	r.mu.Lock()
	r.asked = append(r.asked, name)
	r.mu.Unlock()
	if ip, ok := r.answers[name]; ok {
		if qq.Qtype == dns.TypeA {
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: qq.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.ParseIP(ip)})
		}
	} else {
		m.Rcode = dns.RcodeNameError
	}
	w.WriteMsg(m)
}

func (r *testResolver) wasAsked(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range r.asked {
		if a == name {
			return true
		}
	}
	return false
}

// lookup runs busybox nslookup in container c and returns its output and
// whether the name resolved.
func lookup(t *testing.T, d *testutil.Daemon, c, name string) (string, bool) {
	t.Helper()
	out, stderr, code := testutil.Docker(t, d, "exec", c, "nslookup", "-type=a", name)
	return out + stderr, code == 0
}

func mustResolve(t *testing.T, d *testutil.Daemon, c, name, ip string) {
	t.Helper()
	if out, ok := lookup(t, d, c, name); !ok || !strings.Contains(out, "Address: "+ip) {
		t.Fatalf("%s does not resolve %s to %s:\n%s", c, name, ip, out)
	}
}

func mustNotResolve(t *testing.T, d *testutil.Daemon, c, name string) {
	t.Helper()
	if out, ok := lookup(t, d, c, name); ok {
		t.Fatalf("%s resolves %s:\n%s", c, name, out)
	}
}

func ipOn(t *testing.T, d *testutil.Daemon, c, netName string) string {
	t.Helper()
	f := fmt.Sprintf("{{(index .NetworkSettings.Networks %q).IPAddress}}", netName)
	return strings.TrimSpace(docker(t, d, "inspect", "-f", f, c))
}

// A container on two user networks resolves the names of both through
// its own resolver at 127.0.0.11, follows connect and disconnect at once,
// forwards other names to its --dns server, and nothing outside the
// container reaches that resolver.
func TestNetworkResolverPerContainer(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	up := startTestResolver(t, map[string]string{"www.corp.test": "192.0.2.77"})
	docker(t, d, "network", "create", "--subnet", "10.215.1.0/24", "t1")
	docker(t, d, "network", "create", "--subnet", "10.215.2.0/24", "t2")
	docker(t, d, "network", "create", "--subnet", "10.215.3.0/24", "t3")
	one := strings.TrimSpace(docker(t, d, "run", "-d", "--name", "one", "--network", "t1", "--network-alias", "first",
		"--hostname", "onehost", "busybox", "sleep", "300"))
	docker(t, d, "run", "-d", "--name", "two", "--network", "t2", "--network-alias", "second", "busybox", "sleep", "300")
	docker(t, d, "run", "-d", "--name", "three", "--network", "t3", "busybox", "sleep", "300")
	docker(t, d, "run", "-d", "--name", "probe", "--network", "t2", "--dns", up.addr, "busybox", "sleep", "300")

	// busybox nslookup tries only the first search domain, so the probe
	// has none.
	conf := docker(t, d, "run", "--rm", "--network", "t2", "--dns", up.addr, "--dns-search", "corp.test",
		"--dns-option", "timeout:2", "busybox", "cat", "/etc/resolv.conf")
	if want := "nameserver 127.0.0.11\nsearch corp.test\noptions timeout:2 ndots:0\n"; conf != want {
		t.Fatalf("resolv.conf on a user network:\n%s\nwant:\n%s", conf, want)
	}
	ip2 := ipOn(t, d, "two", "t2")
	mustResolve(t, d, "probe", "two", ip2)
	mustResolve(t, d, "probe", "second", ip2)
	mustResolve(t, d, "probe", "two.t2", ip2)
	mustNotResolve(t, d, "probe", "one")

	docker(t, d, "network", "connect", "t1", "probe")
	ip1 := ipOn(t, d, "one", "t1")
	for _, name := range []string{"one", "first", one[:12], "onehost", "ONE"} {
		mustResolve(t, d, "probe", name, ip1)
	}
	mustResolve(t, d, "probe", "two", ip2)
	// t3's names are not the probe's, and the upstream says so.
	mustNotResolve(t, d, "probe", "three")
	if !up.wasAsked("three") {
		t.Fatal("an unknown name was not forwarded to --dns")
	}
	// Other names go to --dns, over UDP and TCP.
	mustResolve(t, d, "probe", "www.corp.test", "192.0.2.77")
	if out := docker(t, d, "exec", "probe", "sh", "-c", "nslookup -type=a www.corp.test 127.0.0.11 && echo ok"); !strings.Contains(out, "192.0.2.77") {
		t.Fatalf("forwarded: %s", out)
	}

	// A default-bridge container connected to t1 gets the resolver and
	// its new address in /etc/hosts at once, as in Docker.
	docker(t, d, "run", "-d", "--name", "plain", "--dns", up.addr, "busybox", "sleep", "300")
	docker(t, d, "network", "connect", "t1", "plain")
	if conf := docker(t, d, "exec", "plain", "cat", "/etc/resolv.conf"); !strings.HasPrefix(conf, "nameserver 127.0.0.11\n") {
		t.Fatalf("resolv.conf after connect:\n%s", conf)
	}
	if hosts := docker(t, d, "exec", "plain", "cat", "/etc/hosts"); !strings.Contains(hosts, ipOn(t, d, "plain", "t1")+"\t") {
		t.Fatalf("/etc/hosts after connect lacks the t1 address:\n%s", hosts)
	}
	mustResolve(t, d, "plain", "one", ip1)
	docker(t, d, "rm", "-f", "plain")

	docker(t, d, "network", "disconnect", "t1", "probe")
	mustNotResolve(t, d, "probe", "one")
	mustResolve(t, d, "probe", "two", ip2)

	// Nothing outside the container reaches a resolver: not the old
	// listener on the gateways, not 127.0.0.11 from the host.
	for _, addr := range []string{"10.215.1.1", "10.215.2.1", "127.0.0.11"} {
		for _, proto := range []string{"udp", "tcp"} {
			q := new(dns.Msg)
			q.SetQuestion("two.", dns.TypeA)
			cl := &dns.Client{Net: proto, Timeout: time.Second}
			if resp, _, err := cl.Exchange(q, net.JoinHostPort(addr, "53")); err == nil {
				t.Fatalf("%s:53/%s answered from the host: %v", addr, proto, resp)
			}
		}
	}
	// Nor a container on the default bridge through the gateway.
	if out, _, code := testutil.Docker(t, d, "run", "--rm", "busybox", "nslookup", "-type=a", "two", "10.215.2.1"); code == 0 {
		t.Fatalf("a default-bridge container queried t2's gateway:\n%s", out)
	}
	// The default bridge keeps the host's resolvers.
	if out := docker(t, d, "run", "--rm", "busybox", "cat", "/etc/resolv.conf"); strings.Contains(out, "127.0.0.11") {
		t.Fatalf("default bridge got the embedded resolver:\n%s", out)
	}

	// Every thread that opened a resolver's sockets in a container's
	// namespace came back to the host's.
	checkThreadsInHostNetNS(t, d)

	// After kill -9 of berthd, the running probe gets its resolver back.
	d.Kill()
	d.Restart(t)
	mustResolve(t, d, "probe", "two", ip2)
	checkThreadsInHostNetNS(t, d)

	docker(t, d, "rm", "-f", "one", "two", "three", "probe")
	docker(t, d, "network", "rm", "t1", "t2", "t3")
}

// docker-compose 1.29: a service on two networks resolves the services
// of both; a service on one does not resolve the other's.
func TestNetworkResolverDockerCompose(t *testing.T) {
	need.Command(t, "docker-compose", "docker-compose")
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(`version: "3.8"
services:
  web:
    image: busybox
    command: sleep 300
    networks: [front]
  db:
    image: busybox
    command: sleep 300
    networks: [back]
  app:
    image: busybox
    command: sleep 300
    networks: [front, back]
networks:
  front:
    ipam:
      config: [{subnet: 10.215.11.0/24}]
  back:
    ipam:
      config: [{subnet: 10.215.12.0/24}]
`), 0o644)
	runClient(t, d, dir, "docker-compose", "up", "-d")
	t.Cleanup(func() { runClient(t, d, dir, "docker-compose", "down", "-t", "1") })
	web, db := ipOn(t, d, "it_web_1", "it_front"), ipOn(t, d, "it_db_1", "it_back")
	mustResolve(t, d, "it_app_1", "web", web)
	mustResolve(t, d, "it_app_1", "db", db)
	mustResolve(t, d, "it_app_1", "it_db_1", db)
	mustResolve(t, d, "it_web_1", "app", ipOn(t, d, "it_app_1", "it_front"))
	if out, ok := lookup(t, d, "it_web_1", "db"); ok && strings.Contains(out, db) {
		t.Fatalf("web, on front only, resolves db:\n%s", out)
	}
}
