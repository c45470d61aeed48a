package networks

import (
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"sort"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/network"
	apicontainer "github.com/moby/moby/api/types/container"
	apinetwork "github.com/moby/moby/api/types/network"
)

// EndpointSettings describes the container's endpoints per network name:
// the live ones, and for a container that is not running the networks it
// will join, as Docker shows them before start.
func (s *Service) EndpointSettings(c *container.Container) map[string]*apinetwork.EndpointSettings {
	out := s.liveEndpointSettings(c.ID)
	if s == nil || c.State.IsRunning() {
		return out
	}
	wanted := maps.Clone(c.Networks)
	if wanted == nil {
		wanted = map[string]container.EndpointConfig{}
	}
	if p := primaryNetwork(c); p != "" {
		if _, ok := wanted[p]; !ok {
			wanted[p] = container.EndpointConfig{}
		}
	}
	for ref, ec := range wanted {
		n, err := s.Get(ref)
		if err != nil {
			continue
		}
		if _, ok := out[n.Name]; ok {
			continue
		}
		s := &apinetwork.EndpointSettings{NetworkID: n.ID, Aliases: append([]string{}, ec.Aliases...)}
		if n.UserDefined() {
			// Docker lists the short ID among the aliases on user-defined
			// networks; docker-compose 1.29 checks for it to decide whether
			// a created container is already connected.
			s.Aliases = append(s.Aliases, c.ShortID())
		}
		out[n.Name] = s
	}
	return out
}

// liveEndpointSettings describes the endpoints that exist now.
func (s *Service) liveEndpointSettings(id string) map[string]*apinetwork.EndpointSettings {
	out := map[string]*apinetwork.EndpointSettings{}
	if s == nil {
		return out
	}
	for _, ep := range s.Endpoints(id, "") {
		n, err := s.Get(ep.NetworkID)
		if err != nil {
			continue
		}
		s := &apinetwork.EndpointSettings{NetworkID: n.ID, EndpointID: ep.ID, Aliases: ep.Aliases}
		if ep.IP.IsValid() {
			s.IPAddress, s.Gateway, s.IPPrefixLen = ep.IP, n.Gateway, n.Subnet.Bits()
			if mac, err := net.ParseMAC(ep.MAC); err == nil {
				s.MacAddress = apinetwork.HardwareAddr(mac)
			}
		}
		if n.UserDefined() {
			s.DNSNames = ep.Names()
			if short := id[:12]; !slices.Contains(s.Aliases, short) {
				s.Aliases = append(append([]string{}, s.Aliases...), short)
			}
			for alias, target := range ep.Links {
				s.Links = append(s.Links, target+":"+alias)
			}
			sort.Strings(s.Links)
		}
		out[n.Name] = s
	}
	return out
}

// FillNetworkSettings adds endpoints and published ports to inspect.
func (s *Service) FillNetworkSettings(c *container.Container, ns *apicontainer.NetworkSettings) {
	ns.Networks = s.EndpointSettings(c)
	if c.State.IsRunning() {
		if network.NetNSMounted(s.NetNSPath(c.ID)) {
			ns.SandboxKey = s.NetNSPath(c.ID)
		}
		for port := range c.Config.ExposedPorts {
			ns.Ports[port] = nil
		}
	}
	for _, ps := range s.PortSummaries(c.ID) {
		p, err := apinetwork.ParsePort(fmt.Sprintf("%d/%s", ps.PrivatePort, ps.Type))
		if err != nil {
			continue
		}
		host := "0.0.0.0"
		if ps.IP.IsValid() {
			host = ps.IP.String()
		}
		b := apinetwork.PortBinding{HostPort: fmt.Sprint(ps.PublicPort)}
		b.HostIP, _ = netip.ParseAddr(host)
		ns.Ports[p] = append(ns.Ports[p], b)
	}
}

// PortSummaries lists the published ports for ps.
func (s *Service) PortSummaries(id string) []apicontainer.PortSummary {
	out := []apicontainer.PortSummary{}
	if s == nil {
		return out
	}
	for _, ep := range s.Endpoints(id, "") {
		for _, p := range ep.Ports {
			s := apicontainer.PortSummary{PrivatePort: p.ContainerPort, PublicPort: p.HostPort, Type: p.Proto}
			s.IP = p.HostIP
			if !s.IP.IsValid() {
				s.IP = netip.IPv4Unspecified()
			}
			out = append(out, s)
		}
	}
	return out
}
