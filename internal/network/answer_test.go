package network

import (
	"net"
	"testing"

	"github.com/miekg/dns"
)

// recorder is a dns.ResponseWriter that keeps the reply.
type recorder struct {
	dns.ResponseWriter
	msg *dns.Msg
}

func (r *recorder) WriteMsg(m *dns.Msg) error { r.msg = m; return nil }
func (r *recorder) RemoteAddr() net.Addr {
	return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5353}
}

func ask(t *testing.T, h dns.Handler, name string, qtype uint16) *dns.Msg {
	t.Helper()
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), qtype)
	w := &recorder{}
	h.ServeDNS(w, q)
	if w.msg == nil {
		t.Fatalf("no reply to %s", name)
	}
	return w.msg
}

// Known names get A records, an empty AAAA answer (not NXDOMAIN) on an
// IPv4 network, and a PTR for their address; a container only on an
// internal network is refused other names instead of having them
// forwarded.
func TestContainerDNSAnswers(t *testing.T) {
	m, st := testManager(t)
	n := testNetwork(t, st, "n1", "10.4.1.0/24", true)
	join(t, st, n, Endpoint{ContainerID: "c1", ContainerName: "web"})
	db := join(t, st, n, Endpoint{ContainerID: "c2", ContainerName: "db"})
	h := containerDNS{m: m, containerID: "c1"}

	a := ask(t, h, "db", dns.TypeA)
	if a.Rcode != dns.RcodeSuccess || len(a.Answer) != 1 || a.Answer[0].(*dns.A).A.String() != db.IP.String() {
		t.Fatalf("A db: %v", a)
	}
	if aaaa := ask(t, h, "db", dns.TypeAAAA); aaaa.Rcode != dns.RcodeSuccess || len(aaaa.Answer) != 0 {
		t.Fatalf("AAAA db: %v", aaaa)
	}
	ip := db.IP.As4()
	ptr := ask(t, h, net.IPv4(ip[3], ip[2], ip[1], ip[0]).String()+".in-addr.arpa", dns.TypePTR)
	if len(ptr.Answer) != 1 || ptr.Answer[0].(*dns.PTR).Ptr != "db.net-n1." {
		t.Fatalf("PTR: %v", ptr)
	}
	if out := ask(t, h, "example.com", dns.TypeA); out.Rcode != dns.RcodeRefused {
		t.Fatalf("an internal-only container's outside name: %v", out)
	}
}
