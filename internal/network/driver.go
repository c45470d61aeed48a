package network

import "context"

// Driver realises networks and endpoints on the host. The manager owns the
// records and addresses; a driver only makes the kernel objects match them.
// Every method is idempotent: it is called again for existing objects when
// berthd restarts, and must then leave them as they are.
//
// CreateNetwork makes what the network needs on this host (for bridge, the
// bridge interface with the gateway address). DeleteNetwork removes it.
// Join puts an interface for ep into the network namespace at netnsPath,
// with ep.IP, ep.MAC and a default route through the gateway unless the
// network is internal; it may record driver state in ep (HostVeth). Leave
// undoes Join; the namespace may already be gone.
//
// A driver spanning hosts (overlay) keeps the same contract: the records it
// is handed already hold addresses unique across the network.
type Driver interface {
	Name() string
	CreateNetwork(ctx context.Context, n *Network) error
	DeleteNetwork(ctx context.Context, n *Network) error
	Join(ctx context.Context, n *Network, ep *Endpoint, netnsPath string) error
	Leave(ctx context.Context, n *Network, ep *Endpoint) error
}
