package network

import (
	"net/netip"
	"slices"
	"time"
)

// Network is the stored record of one network.
type Network struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Driver  string       `json:"driver"`
	Subnet  netip.Prefix `json:"subnet"`
	Gateway netip.Addr   `json:"gateway"`
	// IPRange narrows where container addresses are taken from; zero
	// means the whole subnet.
	IPRange netip.Prefix `json:"ipRange,omitzero"`
	// AuxAddresses are addresses the client reserved for other hosts
	// (IPAM AuxiliaryAddresses): never handed to a container.
	AuxAddresses map[string]netip.Addr `json:"auxAddresses,omitempty"`
	// IPAMOptions are the IPAM driver's options as the client sent them.
	IPAMOptions map[string]string `json:"ipamOptions,omitempty"`
	// Bridge is the host interface of a bridge network.
	Bridge     string            `json:"bridge,omitempty"`
	Internal   bool              `json:"internal,omitempty"`
	Attachable bool              `json:"attachable,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	Options    map[string]string `json:"options,omitempty"`
	Created    time.Time         `json:"created"`
	// Predefined networks (bridge, host, none) cannot be removed.
	Predefined bool `json:"predefined,omitempty"`
}

// UserDefined says whether the network resolves container names: Docker
// gives names only on networks a user made.
func (n *Network) UserDefined() bool { return !n.Predefined }

// PortMapping publishes one container port on the host.
type PortMapping struct {
	HostIP        netip.Addr `json:"hostIP,omitzero"` // zero: every host address
	HostPort      uint16     `json:"hostPort"`
	ContainerPort uint16     `json:"containerPort"`
	Proto         string     `json:"proto"` // tcp or udp
}

// Endpoint joins one container to one network.
type Endpoint struct {
	ID            string     `json:"id"`
	NetworkID     string     `json:"networkID"`
	ContainerID   string     `json:"containerID"`
	ContainerName string     `json:"containerName"`
	IP            netip.Addr `json:"ip"`
	MAC           string     `json:"mac"`
	Aliases       []string   `json:"aliases,omitempty"`
	// Hostname is the container's, one of its DNS names.
	Hostname string `json:"hostname,omitempty"`
	// Links are --link's on a user network: names this endpoint alone
	// resolves, alias to the linked container's name or ID.
	Links    map[string]string `json:"links,omitempty"`
	HostVeth string            `json:"hostVeth,omitempty"`
	// IfName is the interface's name in the container the client asked
	// for; "" means the next free ethN.
	IfName string `json:"ifName,omitempty"`
	// GwPriority ranks the endpoint for the container's default route.
	GwPriority int           `json:"gwPriority,omitempty"`
	Ports      []PortMapping `json:"ports,omitempty"`
	// NetNS is the container's namespace (bridge endpoints), where its
	// resolver listens and its default route is chosen; kept so a
	// restarted berthd opens the resolver again.
	NetNS string `json:"netns,omitempty"`
	// DNS are the container's --dns servers, its resolver's upstreams.
	DNS []string `json:"dns,omitempty"`
}

// Names are the DNS names an endpoint answers to on a user network, in
// Docker's order: container name, aliases, short ID, hostname, each once.
func (e *Endpoint) Names() []string {
	names := append([]string{e.ContainerName}, e.Aliases...)
	if len(e.ContainerID) >= 12 {
		names = append(names, e.ContainerID[:12])
	}
	if e.Hostname != "" {
		names = append(names, e.Hostname)
	}
	var out []string
	for _, n := range names {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
