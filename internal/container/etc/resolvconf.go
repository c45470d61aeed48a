package etc

import (
	"net/netip"
	"strings"
)

// ResolverResolvConf is the file of a container with its own resolver, as
// Docker writes it: that resolver alone (it forwards the other names), the
// host's or the given search domains and options, and ndots:0 unless an
// ndots option is given, so that single names reach the resolver as they
// are.
func ResolverResolvConf(host string, resolver netip.Addr, search, options []string) string {
	out := ResolvConf(host, []netip.Addr{resolver}, search, options)
	if strings.Contains(out, "ndots:") {
		return out
	}
	if i := strings.Index(out, "options "); i >= 0 {
		end := i + strings.Index(out[i:], "\n")
		return out[:end] + " ndots:0" + out[end:]
	}
	return out + "options ndots:0\n"
}

// ResolvConf derives the container's resolv.conf from the host's, as
// Docker does: loopback name servers cannot be reached from the
// container's network namespace, so they are dropped.
func ResolvConf(host string, dnsAddrs []netip.Addr, search, options []string) string {
	var dns []string
	for _, a := range dnsAddrs {
		dns = append(dns, a.String())
	}
	var servers, searches, opts []string
	for _, line := range strings.Split(host, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			if !strings.HasPrefix(f[1], "127.") && f[1] != "::1" {
				servers = append(servers, f[1])
			}
		case "search":
			searches = f[1:]
		case "options":
			opts = f[1:]
		}
	}
	if len(dns) > 0 {
		servers = dns
	}
	if len(search) > 0 {
		searches = search
	}
	if len(options) > 0 {
		opts = options
	}
	if len(servers) == 0 {
		servers = []string{"8.8.8.8", "8.8.4.4"}
	}
	var b strings.Builder
	for _, s := range servers {
		b.WriteString("nameserver " + s + "\n")
	}
	if len(searches) > 0 {
		b.WriteString("search " + strings.Join(searches, " ") + "\n")
	}
	if len(opts) > 0 {
		b.WriteString("options " + strings.Join(opts, " ") + "\n")
	}
	return b.String()
}
