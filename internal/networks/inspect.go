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
// what the client asked for on each (IPAM config, aliases, links, driver
// options, MAC address, gateway priority) as it sent it, with the live
// endpoint's addresses while it runs. A container that is not running
// lists the networks it will join, as Docker shows them before start; a
// host-mode container lists the host network.
func (s *Service) EndpointSettings(c *container.Container) map[string]*apinetwork.EndpointSettings {
	out := map[string]*apinetwork.EndpointSettings{}
	if s == nil {
		return out
	}
	live := map[string]*network.Endpoint{}
	for _, ep := range s.Endpoints(c.ID, "") {
		live[ep.NetworkID] = ep
	}
	wanted := maps.Clone(c.Networks)
	if wanted == nil {
		wanted = map[string]container.EndpointConfig{}
	}
	if n, err := s.Get(primaryNetwork(c)); err == nil {
		if _, ok := wanted[n.Name]; !ok { // Disconnected entries stay out
			wanted[n.Name] = container.EndpointConfig{}
		}
	}
	if c.HostConfig.NetworkMode.IsHost() {
		wanted["host"] = container.EndpointConfig{}
	}
	for ref, ec := range wanted {
		n, err := s.Get(ref)
		if err != nil || ec.Disconnected {
			continue
		}
		ep := live[n.ID]
		if ep == nil && c.State.IsRunning() && n.Driver != "host" {
			continue // disconnected while running
		}
		delete(live, n.ID)
		out[n.Name] = settings(c, n, ec, ep)
	}
	for _, ep := range live { // attached, yet not in the record
		if n, err := s.Get(ep.NetworkID); err == nil {
			out[n.Name] = settings(c, n, container.EndpointConfig{Aliases: ep.Aliases}, ep)
		}
	}
	return out
}

// settings is one network's entry: ec as the client sent it, and ep's
// state when the endpoint exists.
func settings(c *container.Container, n *network.Network, ec container.EndpointConfig, ep *network.Endpoint) *apinetwork.EndpointSettings {
	es := &apinetwork.EndpointSettings{NetworkID: n.ID, Aliases: slices.Clone(ec.Aliases), Links: slices.Clone(ec.Links),
		DriverOpts: maps.Clone(ec.DriverOpts), GwPriority: ec.GwPriority}
	if ec.IPAMConfig != nil {
		ipam := *ec.IPAMConfig
		es.IPAMConfig = &ipam
	}
	if mac, err := net.ParseMAC(ec.MacAddress); err == nil {
		es.MacAddress = apinetwork.HardwareAddr(mac)
	}
	if n.UserDefined() {
		// Docker fills DNSNames from create on; ep's are the same names.
		es.DNSNames = (&network.Endpoint{ContainerID: c.ID, ContainerName: c.Name, Aliases: ec.Aliases, Hostname: c.Config.Hostname}).Names()
	}
	if ep == nil {
		return es
	}
	es.EndpointID = ep.ID
	if ep.IP.IsValid() {
		es.IPAddress, es.Gateway, es.IPPrefixLen = ep.IP, n.Gateway, n.Subnet.Bits()
		if mac, err := net.ParseMAC(ep.MAC); err == nil {
			es.MacAddress = apinetwork.HardwareAddr(mac)
		}
	}
	if n.UserDefined() {
		es.DNSNames = ep.Names()
		if len(es.Links) == 0 {
			for alias, target := range ep.Links {
				es.Links = append(es.Links, target+":"+alias)
			}
			sort.Strings(es.Links)
		}
	}
	return es
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
