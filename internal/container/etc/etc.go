// Package etc writes the /etc/hostname, /etc/hosts and /etc/resolv.conf
// that Berth bind-mounts into each container, as Docker writes them.
package etc

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// Config is what the three files say.
type Config struct {
	Hostname   string
	ExtraHosts []string     // --add-host, "name:ip"
	LinkHosts  string       // lines for the container's links, already formatted
	IPs        []netip.Addr // the container's own addresses, named Hostname
	// DNS, DNSSearch and DNSOptions replace the host's name servers, search
	// domains and options where given.
	DNS                   []netip.Addr
	DNSSearch, DNSOptions []string
	// Resolver, when set, is the container's own resolver (127.0.0.11 on
	// a user network): the file names it alone, and it forwards to DNS.
	Resolver netip.Addr
}

// HostResolvConf is the host's resolver configuration, which the
// container's derives from.
const HostResolvConf = "/etc/resolv.conf"

// Write writes the three files into dir and returns where each is, by the
// path it takes in the container.
func Write(dir string, cfg Config) (map[string]string, error) {
	host, _ := os.ReadFile(HostResolvConf) // none: Docker's fallback servers
	files := map[string]string{
		"/etc/hostname":    cfg.Hostname + "\n",
		"/etc/hosts":       Hosts(cfg),
		"/etc/resolv.conf": resolvConf(string(host), cfg),
	}
	out := map[string]string{}
	for target, content := range files {
		path := filepath.Join(dir, filepath.Base(target))
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return nil, err
		}
		out[target] = path
	}
	return out, nil
}

func resolvConf(host string, cfg Config) string {
	if cfg.Resolver.IsValid() {
		return ResolverResolvConf(host, cfg.Resolver, cfg.DNSSearch, cfg.DNSOptions)
	}
	return ResolvConf(host, cfg.DNS, cfg.DNSSearch, cfg.DNSOptions)
}

// Hosts is /etc/hosts: Docker's loopback and IPv6 lines, the extra hosts,
// the links, then the container's own addresses under its hostname.
func Hosts(cfg Config) string {
	hosts := "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
	for _, h := range cfg.ExtraHosts {
		if name, ip, ok := strings.Cut(h, ":"); ok {
			hosts += ip + "\t" + name + "\n"
		}
	}
	hosts += cfg.LinkHosts
	for _, ip := range cfg.IPs {
		hosts += ip.String() + "\t" + cfg.Hostname + "\n"
	}
	return hosts
}
