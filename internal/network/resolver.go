package network

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"syscall"

	"github.com/miekg/dns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// ResolverAddr is where a container on a user network finds its resolver,
// as in Docker: an address on the container's own loopback, so nothing
// outside the container's namespace can reach it.
var ResolverAddr = netip.MustParseAddr("127.0.0.11")

// resolver is one container's DNS server: UDP and TCP sockets bound to
// ResolverAddr:53 inside the container's network namespace, served by
// goroutines of berthd in the host's namespace (a socket keeps the
// namespace it was made in), which is also where forwarded queries leave
// from.
//
// Docker binds random ports and DNATs port 53 to them with iptables in the
// container's namespace. Binding port 53 itself needs no firewall rules
// in every container; with SO_REUSEADDR set, a server in the container
// may still bind the wildcard address on port 53 (the kernel hands
// 127.0.0.11 to the more specific socket).
type resolver struct {
	servers []*dns.Server
}

// startResolver opens the sockets in the namespace at netnsPath and serves
// them with h.
func startResolver(netnsPath string, h dns.Handler) (*resolver, error) {
	var pc net.PacketConn
	var l net.Listener
	err := onNSThread(func() error {
		if err := enterNetNS(netnsPath); err != nil {
			return err
		}
		// The address lives on lo, which is down in a new namespace.
		if lo, err := netlink.LinkByName("lo"); err == nil {
			netlink.LinkSetUp(lo)
		}
		lc := net.ListenConfig{Control: reuseAddr}
		hp := net.JoinHostPort(ResolverAddr.String(), "53")
		var err error
		if pc, err = lc.ListenPacket(context.Background(), "udp4", hp); err != nil {
			return fmt.Errorf("resolver socket: %w", err)
		}
		if l, err = lc.Listen(context.Background(), "tcp4", hp); err != nil {
			pc.Close()
			return fmt.Errorf("resolver socket: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r := &resolver{}
	for _, srv := range []*dns.Server{{PacketConn: pc, Handler: h}, {Listener: l, Handler: h}} {
		var wg sync.WaitGroup
		wg.Add(1)
		srv.NotifyStartedFunc = wg.Done
		go srv.ActivateAndServe()
		wg.Wait()
		r.servers = append(r.servers, srv)
	}
	return r, nil
}

func reuseAddr(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	})
	return joinErr(err, serr)
}

// stop closes the sockets, which lets go of the namespace.
func (r *resolver) stop() {
	for _, s := range r.servers {
		s.Shutdown()
	}
}
