package daemon

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/network"
	"github.com/containerd/errdefs"
	apinetwork "github.com/moby/moby/api/types/network"
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
	d.networks = m
	return nil
}

func (d *Daemon) networkToAPI(n *network.Network) apinetwork.Inspect {
	out := apinetwork.Inspect{Network: apinetwork.Network{
		Name: n.Name, ID: n.ID, Created: n.Created, Scope: "local", Driver: n.Driver,
		EnableIPv4: true, Internal: n.Internal, Attachable: n.Attachable,
		IPAM:    apinetwork.IPAM{Driver: "default", Options: map[string]string{}, Config: []apinetwork.IPAMConfig{}},
		Options: n.Options, Labels: n.Labels,
	}, Containers: map[string]apinetwork.EndpointResource{}}
	if out.Options == nil {
		out.Options = map[string]string{}
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	if n.Subnet.IsValid() {
		out.IPAM.Config = append(out.IPAM.Config, apinetwork.IPAMConfig{Subnet: n.Subnet, Gateway: n.Gateway, IPRange: n.IPRange})
	}
	for _, ep := range d.networks.Endpoints("", n.ID) {
		r := apinetwork.EndpointResource{Name: ep.ContainerName, EndpointID: ep.ID}
		if ep.IP.IsValid() {
			r.IPv4Address = netip.PrefixFrom(ep.IP, n.Subnet.Bits())
		}
		if mac, err := net.ParseMAC(ep.MAC); err == nil {
			r.MacAddress = apinetwork.HardwareAddr(mac)
		}
		out.Containers[ep.ContainerID] = r
	}
	return out
}

// NetworkList implements the network router's Backend.
func (d *Daemon) NetworkList(ctx context.Context, f filters.Args) ([]apinetwork.Summary, error) {
	nets, err := d.networks.List()
	if err != nil {
		return nil, err
	}
	out := []apinetwork.Summary{}
	for _, n := range nets {
		if !networkMatches(n, f, len(d.networks.Endpoints("", n.ID)) > 0) {
			continue
		}
		out = append(out, apinetwork.Summary{Network: d.networkToAPI(n).Network})
	}
	return out, nil
}

func networkMatches(n *network.Network, f filters.Args, used bool) bool {
	anyOf := func(key string, ok func(string) bool) bool {
		if !f.Has(key) {
			return true
		}
		for _, v := range f.Get(key) {
			if ok(v) {
				return true
			}
		}
		return false
	}
	typ := "custom"
	if n.Predefined {
		typ = "builtin"
	}
	return anyOf("name", func(v string) bool { return strings.Contains(n.Name, v) }) &&
		anyOf("id", func(v string) bool { return strings.HasPrefix(n.ID, v) }) &&
		anyOf("driver", func(v string) bool { return v == n.Driver }) &&
		anyOf("scope", func(v string) bool { return v == "local" }) &&
		anyOf("type", func(v string) bool { return v == typ }) &&
		anyOf("dangling", func(v string) bool { return (v == "true" || v == "1") == (!used && !n.Predefined) }) &&
		f.MatchLabels("label", n.Labels)
}

// NetworkInspect implements the network router's Backend.
func (d *Daemon) NetworkInspect(ctx context.Context, ref string) (apinetwork.Inspect, error) {
	n, err := d.networks.Get(ref)
	if err != nil {
		return apinetwork.Inspect{}, err
	}
	return d.networkToAPI(n), nil
}

// NetworkCreate implements the network router's Backend.
func (d *Daemon) NetworkCreate(ctx context.Context, req apinetwork.CreateRequest) (apinetwork.CreateResponse, error) {
	if req.Name == "" {
		return apinetwork.CreateResponse{}, errdefs.ErrInvalidArgument.WithMessage("network name is required")
	}
	o := network.CreateOptions{Name: req.Name, Driver: req.Driver, Internal: req.Internal, Attachable: req.Attachable,
		Labels: req.Labels, Options: req.Options}
	if req.IPAM != nil && len(req.IPAM.Config) > 0 {
		c := req.IPAM.Config[0]
		if !c.Subnet.IsValid() && (c.Gateway.IsValid() || c.IPRange.IsValid()) {
			return apinetwork.CreateResponse{}, errdefs.ErrInvalidArgument.WithMessage("a gateway or ip-range needs a subnet")
		}
		if c.Subnet.IsValid() && !c.Subnet.Addr().Is4() {
			return apinetwork.CreateResponse{}, errdefs.ErrInvalidArgument.WithMessage("only IPv4 subnets are supported")
		}
		o.Subnet, o.Gateway, o.IPRange = c.Subnet, c.Gateway, c.IPRange
	}
	n, err := d.networks.Create(ctx, o)
	if err != nil {
		return apinetwork.CreateResponse{}, err
	}
	return apinetwork.CreateResponse{ID: n.ID}, nil
}

// NetworkRemove implements the network router's Backend.
func (d *Daemon) NetworkRemove(ctx context.Context, ref string) error {
	return d.networks.Remove(ctx, ref)
}

// NetworksPrune implements the network router's Backend: it removes the
// user-defined networks no container uses.
func (d *Daemon) NetworksPrune(ctx context.Context, f filters.Args) (apinetwork.PruneReport, error) {
	var rep apinetwork.PruneReport
	nets, err := d.networks.List()
	if err != nil {
		return rep, err
	}
	for _, n := range nets {
		if n.Predefined || !f.MatchLabels("label", n.Labels) || len(d.networks.Endpoints("", n.ID)) > 0 || d.networkWanted(n) {
			continue
		}
		if err := d.networks.Remove(ctx, n.ID); err == nil {
			rep.NetworksDeleted = append(rep.NetworksDeleted, n.Name)
		}
	}
	return rep, nil
}

// networkWanted says whether a stopped container will join n when it
// starts, which keeps prune from removing it.
func (d *Daemon) networkWanted(n *network.Network) bool {
	for _, c := range d.containers.List() {
		if m := string(c.HostConfig.NetworkMode); m == n.Name || m == n.ID {
			return true
		}
		for ref := range c.Networks {
			if ref == n.Name || ref == n.ID {
				return true
			}
		}
	}
	return false
}
