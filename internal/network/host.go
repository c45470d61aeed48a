package network

import "context"

// Host is the driver of the "host" network: the container shares the
// host's namespace, so there is nothing to make.
type Host struct{}

// Name implements Driver.
func (Host) Name() string { return "host" }

// CreateNetwork implements Driver.
func (Host) CreateNetwork(context.Context, *Network) error { return nil }

// DeleteNetwork implements Driver.
func (Host) DeleteNetwork(context.Context, *Network) error { return nil }

// Join implements Driver.
func (Host) Join(context.Context, *Network, *Endpoint, string) error { return nil }

// Leave implements Driver.
func (Host) Leave(context.Context, *Network, *Endpoint) error { return nil }
