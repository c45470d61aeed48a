package daemon

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/berth/berth/internal/container"
)

// containerDir holds what must outlive berthd and the shim: the writable
// layer, the log, the managed /etc files and the shim's exit file.
func (d *Daemon) containerDir(id string) string {
	return filepath.Join(d.cfg.DataRoot, "containers", id)
}

// bundleDir holds the OCI bundle and the shim socket; it lives under the
// exec root, which a reboot empties along with the processes.
func (d *Daemon) bundleDir(id string) string { return filepath.Join(d.cfg.ExecRoot, "c", id) }

func (d *Daemon) rootfsDir(id string) string  { return filepath.Join(d.containerDir(id), "rootfs") }
func (d *Daemon) logPath(id string) string    { return filepath.Join(d.containerDir(id), id+"-json.log") }
func (d *Daemon) exitFile(id string) string   { return filepath.Join(d.containerDir(id), "exit.json") }
func (d *Daemon) shimSocket(id string) string { return filepath.Join(d.bundleDir(id), "shim.sock") }

// writeEtcFiles writes the /etc/hostname, /etc/hosts and /etc/resolv.conf
// that are bind-mounted into the container, and returns the mapping.
func (d *Daemon) writeEtcFiles(c *container.Container) (map[string]string, error) {
	dir := d.containerDir(c.ID)
	hosts := "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
	for _, h := range c.HostConfig.ExtraHosts {
		if name, ip, ok := strings.Cut(h, ":"); ok {
			hosts += ip + "\t" + name + "\n"
		}
	}
	hosts += d.linkHosts(c)
	for _, ip := range d.containerIPs(c.ID) {
		hosts += ip.String() + "\t" + c.Config.Hostname + "\n"
	}
	dnsAddrs := c.HostConfig.DNS
	if gw := d.embeddedDNS(c.ID); gw.IsValid() {
		dnsAddrs = []netip.Addr{gw} // the embedded DNS forwards the rest
	}
	files := map[string]string{
		"/etc/hostname":    c.Config.Hostname + "\n",
		"/etc/hosts":       hosts,
		"/etc/resolv.conf": resolvConf(dnsAddrs, c.HostConfig.DNSSearch, c.HostConfig.DNSOptions),
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

// resolvConf derives the container's resolv.conf from the host's, as
// Docker does: loopback name servers cannot be reached from the
// container's network namespace, so they are dropped.
func resolvConf(dnsAddrs []netip.Addr, search, options []string) string {
	var dns []string
	for _, a := range dnsAddrs {
		dns = append(dns, a.String())
	}
	host, _ := os.ReadFile("/etc/resolv.conf")
	var servers, searches, opts []string
	for _, line := range strings.Split(string(host), "\n") {
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
