package networks

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/network"
	"github.com/containerd/errdefs"
	apinetwork "github.com/moby/moby/api/types/network"
)

func (s *Service) networkToAPI(n *network.Network) apinetwork.Inspect {
	out := apinetwork.Inspect{Network: apinetwork.Network{
		Name: n.Name, ID: n.ID, Created: n.Created, Scope: "local", Driver: n.Driver,
		EnableIPv4: true, Internal: n.Internal, Attachable: n.Attachable,
		// Options stay null unless the client gave some, as in Docker.
		IPAM:    apinetwork.IPAM{Driver: "default", Options: n.IPAMOptions, Config: []apinetwork.IPAMConfig{}},
		Options: n.Options, Labels: n.Labels,
	}, Containers: map[string]apinetwork.EndpointResource{}}
	if out.Options == nil {
		out.Options = map[string]string{}
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	if n.Subnet.IsValid() {
		out.IPAM.Config = append(out.IPAM.Config, apinetwork.IPAMConfig{Subnet: n.Subnet, Gateway: n.Gateway, IPRange: n.IPRange, AuxAddress: n.AuxAddresses})
	}
	for _, ep := range s.Endpoints("", n.ID) {
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
func (s *Service) NetworkList(ctx context.Context, f filters.Args) ([]apinetwork.Summary, error) {
	nets, err := s.List()
	if err != nil {
		return nil, err
	}
	out := []apinetwork.Summary{}
	for _, n := range nets {
		if !networkMatches(n, f, len(s.Endpoints("", n.ID)) > 0) {
			continue
		}
		out = append(out, apinetwork.Summary{Network: s.networkToAPI(n).Network})
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
func (s *Service) NetworkInspect(ctx context.Context, ref string) (apinetwork.Inspect, error) {
	n, err := s.Get(ref)
	if err != nil {
		return apinetwork.Inspect{}, err
	}
	return s.networkToAPI(n), nil
}

// NetworkCreate implements the network router's Backend.
func (s *Service) NetworkCreate(ctx context.Context, req apinetwork.CreateRequest) (apinetwork.CreateResponse, error) {
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
		o.Subnet, o.Gateway, o.IPRange, o.AuxAddresses = c.Subnet, c.Gateway, c.IPRange, c.AuxAddress
	}
	if req.IPAM != nil && len(req.IPAM.Options) > 0 {
		o.IPAMOptions = req.IPAM.Options
	}
	n, err := s.Create(ctx, o)
	if err != nil {
		return apinetwork.CreateResponse{}, err
	}
	return apinetwork.CreateResponse{ID: n.ID}, nil
}

// NetworkRemove implements the network router's Backend.
func (s *Service) NetworkRemove(ctx context.Context, ref string) error {
	return s.Remove(ctx, ref)
}

// NetworksPrune implements the network router's Backend: it removes the
// user-defined networks no container uses.
func (s *Service) NetworksPrune(ctx context.Context, f filters.Args) (apinetwork.PruneReport, error) {
	var rep apinetwork.PruneReport
	nets, err := s.List()
	if err != nil {
		return rep, err
	}
	for _, n := range nets {
		if n.Predefined || !f.MatchLabels("label", n.Labels) || len(s.Endpoints("", n.ID)) > 0 || s.networkWanted(n) {
			continue
		}
		if err := s.Remove(ctx, n.ID); err == nil {
			rep.NetworksDeleted = append(rep.NetworksDeleted, n.Name)
		}
	}
	return rep, nil
}

// networkWanted says whether a stopped container will join n when it
// starts, which keeps prune from removing it.
func (s *Service) networkWanted(n *network.Network) bool {
	for _, c := range s.containers.List() {
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
