package daemon

import (
	"path/filepath"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/etc"
)

// containerDir holds what must outlive berthd and the shim: the writable
// layer, the log, the managed /etc files and the shim's exit file.
func (d *Daemon) containerDir(id string) string {
	return filepath.Join(d.cfg.DataRoot, "containers", id)
}

// bundleDir holds the OCI bundle and the shim socket; it lives under the
// exec root, which a reboot empties along with the processes.
func (d *Daemon) bundleDir(id string) string { return filepath.Join(d.cfg.ExecRoot, "c", id) }

// shmDir is the host tmpfs of a shareable IPC container's /dev/shm.
func (d *Daemon) shmDir(id string) string { return filepath.Join(d.containerDir(id), "shm") }

func (d *Daemon) rootfsDir(id string) string  { return filepath.Join(d.containerDir(id), "rootfs") }
func (d *Daemon) logPath(id string) string    { return filepath.Join(d.containerDir(id), id+"-json.log") }
func (d *Daemon) exitFile(id string) string   { return filepath.Join(d.containerDir(id), "exit.json") }
func (d *Daemon) shimSocket(id string) string { return filepath.Join(d.bundleDir(id), "shim.sock") }

// writeEtcFiles writes the /etc/hostname, /etc/hosts and /etc/resolv.conf
// that are bind-mounted into the container, and returns the mapping.
func (d *Daemon) writeEtcFiles(c *container.Container) (map[string]string, error) {
	cfg := etc.Config{
		Hostname:   c.Config.Hostname,
		ExtraHosts: c.HostConfig.ExtraHosts,
		LinkHosts:  d.networks.LinkHosts(c),
		IPs:        d.networks.ContainerIPs(c.ID),
		DNS:        c.HostConfig.DNS,
		DNSSearch:  c.HostConfig.DNSSearch,
		DNSOptions: c.HostConfig.DNSOptions,
		Resolver:   d.networks.EmbeddedDNS(c.ID),
	}
	return etc.Write(d.containerDir(c.ID), cfg)
}
