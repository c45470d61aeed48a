package network

import (
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// resolver answers containers' queries on one user network: names of the
// network's endpoints (container name, short ID, aliases) from lookup, any
// other name by forwarding to the host's resolvers.
type resolver struct {
	servers  []*dns.Server
	lookup   func(src netip.Addr, name string) []netip.Addr
	upstream []string
}

// startResolver listens on addr:53 (UDP and TCP).
func startResolver(addr netip.Addr, lookup func(netip.Addr, string) []netip.Addr, upstream []string) (*resolver, error) {
	r := &resolver{lookup: lookup, upstream: upstream}
	hp := net.JoinHostPort(addr.String(), "53")
	for _, proto := range []string{"udp", "tcp"} {
		var wg sync.WaitGroup
		wg.Add(1)
		srv := &dns.Server{Addr: hp, Net: proto, Handler: r, NotifyStartedFunc: wg.Done}
		errc := make(chan error, 1)
		go func() { errc <- srv.ListenAndServe() }()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case err := <-errc:
			r.stop()
			return nil, err
		case <-done:
		}
		r.servers = append(r.servers, srv)
	}
	return r, nil
}

func (r *resolver) stop() {
	for _, s := range r.servers {
		s.Shutdown()
	}
}

// ServeDNS implements dns.Handler.
func (r *resolver) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	if len(q.Question) == 1 {
		qq := q.Question[0]
		name := strings.ToLower(strings.TrimSuffix(qq.Name, "."))
		if addrs := r.lookup(remoteAddr(w), name); len(addrs) > 0 {
			m := new(dns.Msg)
			m.SetReply(q)
			m.Authoritative = true
			if qq.Qtype == dns.TypeA {
				for _, a := range addrs {
					m.Answer = append(m.Answer, &dns.A{
						Hdr: dns.RR_Header{Name: qq.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 600},
						A:   a.AsSlice(),
					})
				}
			}
			w.WriteMsg(m)
			return
		}
	}
	r.forward(w, q)
}

// remoteAddr is the querying container's address, which picks its link
// aliases.
func remoteAddr(w dns.ResponseWriter) netip.Addr {
	var ip net.IP
	switch a := w.RemoteAddr().(type) {
	case *net.UDPAddr:
		ip = a.IP
	case *net.TCPAddr:
		ip = a.IP
	}
	addr, _ := netip.AddrFromSlice(ip)
	return addr.Unmap()
}

func (r *resolver) forward(w dns.ResponseWriter, q *dns.Msg) {
	proto := "udp"
	if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
		proto = "tcp"
	}
	cl := &dns.Client{Net: proto, Timeout: 3 * time.Second}
	for _, up := range r.upstream {
		if resp, _, err := cl.Exchange(q, net.JoinHostPort(up, "53")); err == nil {
			w.WriteMsg(resp)
			return
		}
	}
	m := new(dns.Msg)
	m.SetRcode(q, dns.RcodeServerFailure)
	w.WriteMsg(m)
}

// hostResolvers are the name servers of the host's resolv.conf; berthd
// runs in the host's namespace, so loopback ones work too.
func hostResolvers() []string {
	data, _ := os.ReadFile("/etc/resolv.conf")
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "nameserver" {
			out = append(out, f[1])
		}
	}
	return out
}
