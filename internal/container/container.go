package container

import (
	"net/netip"
	"time"

	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/opencontainers/go-digest"
)

// Container is everything Berth keeps about one container.
type Container struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"` // without Docker's leading "/"
	Created time.Time `json:"created"`
	// Path and Args are the command the container runs: entrypoint and
	// cmd, merged with the image's.
	Path       string                   `json:"path"`
	Args       []string                 `json:"args"`
	Config     *apicontainer.Config     `json:"config"` // merged with the image config
	HostConfig *apicontainer.HostConfig `json:"hostConfig"`
	Image      digest.Digest            `json:"image"` // image ID
	Runtime    string                   `json:"runtime"`
	State      State                    `json:"state"`
	// RestartCount counts restarts by the restart policy since the last
	// explicit start.
	RestartCount int `json:"restartCount"`
	// ManuallyStopped remembers an explicit stop, which unless-stopped and
	// always honour across daemon restarts.
	ManuallyStopped bool `json:"manuallyStopped,omitempty"`
	// Generation counts starts, so a stale exit report from a shim of an
	// earlier run is recognised and ignored.
	Generation int `json:"generation"`
	// Mounts are the container's volumes, binds and tmpfs as resolved at
	// create.
	Mounts []MountPoint `json:"mounts,omitempty"`
	// Networks are the networks the container joins besides its network
	// mode's, by network name, as run and network connect asked.
	Networks map[string]EndpointConfig `json:"networks,omitempty"`
}

// EndpointConfig is what a container asked for on one network (run
// --network-alias/--ip, network connect --alias/--ip); every start joins
// the same networks with it.
type EndpointConfig struct {
	IP      netip.Addr `json:"ip,omitzero"`
	Aliases []string   `json:"aliases,omitempty"`
	// Links are run --link on a user network, as "name[:alias]".
	Links []string `json:"links,omitempty"`
	// IPAMConfig, DriverOpts, MacAddress and GwPriority are kept as the
	// client sent them, and inspect shows them so.
	IPAMConfig *network.EndpointIPAMConfig `json:"ipamConfig,omitempty"`
	DriverOpts map[string]string           `json:"driverOpts,omitempty"`
	MacAddress string                      `json:"macAddress,omitempty"`
	GwPriority int                         `json:"gwPriority,omitempty"`
	// Disconnected marks the network mode's network after network
	// disconnect: the container no longer joins it until connected again.
	Disconnected bool `json:"disconnected,omitempty"`
}

// ShortID is the 12-character form Docker prints.
func (c *Container) ShortID() string { return c.ID[:12] }

// Copy returns a deep enough copy for readers outside the store's lock:
// the configs are never mutated in place, only replaced.
func (c *Container) Copy() *Container {
	cp := *c
	cp.Args = append([]string(nil), c.Args...)
	cp.Mounts = append([]MountPoint(nil), c.Mounts...)
	if c.Networks != nil {
		cp.Networks = make(map[string]EndpointConfig, len(c.Networks))
		for k, v := range c.Networks {
			cp.Networks[k] = v
		}
	}
	return &cp
}
