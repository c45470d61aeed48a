package daemon

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/network"
	"github.com/berth/berth/internal/networks"
)

// openNetworks brings up the network manager from the config: the
// default bridge, the stored networks and Berth's nftables table.
func (d *Daemon) openNetworks(ctx context.Context) error {
	cfg := network.Config{DB: d.db, DefaultBridge: d.cfg.Bridge, IPForward: d.cfg.IPForwardEnabled(), DNS: d.cfg.DNS}
	if d.cfg.BIP != "" {
		p, err := netip.ParsePrefix(d.cfg.BIP)
		if err != nil {
			return fmt.Errorf("--bip: %w", err)
		}
		cfg.BIP = p
	}
	for _, p := range d.cfg.DefaultAddressPools {
		base, err := netip.ParsePrefix(p.Base)
		if err != nil || p.Size < base.Bits() || p.Size > 30 {
			return fmt.Errorf("invalid default address pool %q size %d", p.Base, p.Size)
		}
		cfg.Pools = append(cfg.Pools, network.Pool{Base: base, Size: p.Size})
	}
	m, err := network.New(ctx, cfg)
	if err != nil {
		return fmt.Errorf("networks: %w", err)
	}
	d.networks = networks.New(m, d.containers, filepath.Join(d.cfg.ExecRoot, "netns"))
	d.networks.OnEndpointsChanged(func(c *container.Container) error { _, err := d.writeEtcFiles(c); return err })
	return nil
}
