package networks

import (
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/network"
	apicontainer "github.com/moby/moby/api/types/container"
)

// InterfaceStats are the counters of a running container's interfaces for
// `stats`, loopback left out; none for a container on the host's network.
func InterfaceStats(c *container.Container) map[string]apicontainer.NetworkStats {
	if c.State.Pid == 0 || (c.HostConfig != nil && c.HostConfig.NetworkMode.IsHost()) {
		return nil
	}
	ifs, err := network.InterfaceStats(c.State.Pid)
	if err != nil || len(ifs) == 0 {
		return nil
	}
	out := make(map[string]apicontainer.NetworkStats, len(ifs))
	for name, n := range ifs {
		out[name] = apicontainer.NetworkStats{
			RxBytes: n.RxBytes, RxPackets: n.RxPackets, RxErrors: n.RxErrors, RxDropped: n.RxDropped,
			TxBytes: n.TxBytes, TxPackets: n.TxPackets, TxErrors: n.TxErrors, TxDropped: n.TxDropped,
		}
	}
	return out
}
