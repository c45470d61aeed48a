package network

import (
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// containerDNS answers one container's queries: names of every user
// network the container is on, read from the records at each query so
// that connect and disconnect count at once; other names go to the
// upstream resolvers.
type containerDNS struct {
	m           *Manager
	containerID string
}

// recordTTL is what Docker's resolver gives its own records.
const recordTTL = 600

// ServeDNS implements dns.Handler.
func (c containerDNS) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	if len(q.Question) != 1 {
		c.reply(w, q, dns.RcodeFormatError)
		return
	}
	qq := q.Question[0]
	name := strings.ToLower(strings.TrimSuffix(qq.Name, "."))
	if qq.Qclass == dns.ClassINET {
		switch qq.Qtype {
		case dns.TypeA, dns.TypeAAAA:
			if addrs, ok := c.m.resolveName(c.containerID, name); ok {
				c.answerAddrs(w, q, addrs)
				return
			}
		case dns.TypePTR:
			if names := c.m.resolveAddr(c.containerID, name); len(names) > 0 {
				c.answerNames(w, q, names)
				return
			}
		}
	}
	if !c.m.mayForward(c.containerID) {
		c.reply(w, q, dns.RcodeRefused)
		return
	}
	c.forward(w, q)
}

// answerAddrs gives the addresses of the asked family; a known name
// without one gets an empty answer, not NXDOMAIN, as Docker answers AAAA
// on IPv4 networks.
func (c containerDNS) answerAddrs(w dns.ResponseWriter, q *dns.Msg, addrs []netip.Addr) {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative, m.RecursionAvailable = true, true
	qq := q.Question[0]
	for _, a := range addrs {
		hdr := dns.RR_Header{Name: qq.Name, Rrtype: qq.Qtype, Class: dns.ClassINET, Ttl: recordTTL}
		switch {
		case qq.Qtype == dns.TypeA && a.Is4():
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: a.AsSlice()})
		case qq.Qtype == dns.TypeAAAA && a.Is6():
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr, AAAA: a.AsSlice()})
		}
	}
	w.WriteMsg(m)
}

func (c containerDNS) answerNames(w dns.ResponseWriter, q *dns.Msg, names []string) {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative, m.RecursionAvailable = true, true
	for _, n := range names {
		m.Answer = append(m.Answer, &dns.PTR{
			Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: recordTTL},
			Ptr: dns.Fqdn(n),
		})
	}
	w.WriteMsg(m)
}

func (c containerDNS) reply(w dns.ResponseWriter, q *dns.Msg, rcode int) {
	m := new(dns.Msg)
	m.SetRcode(q, rcode)
	w.WriteMsg(m)
}

// forward asks the container's upstream resolvers in turn, over the
// protocol the query came in on. The sockets are opened by berthd in the
// host's namespace, so loopback resolvers of the host work too.
func (c containerDNS) forward(w dns.ResponseWriter, q *dns.Msg) {
	proto := "udp"
	if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
		proto = "tcp"
	}
	cl := &dns.Client{Net: proto, Timeout: 3 * time.Second}
	for _, up := range c.m.upstreamsFor(c.containerID) {
		resp, _, err := cl.Exchange(q, net.JoinHostPort(up, "53"))
		if err != nil {
			continue
		}
		w.WriteMsg(resp)
		return
	}
	c.reply(w, q, dns.RcodeServerFailure)
}
