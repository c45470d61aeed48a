// Package network serves the /networks routes: it decodes requests, calls
// its Backend and encodes the answers.
package network

import (
	"context"

	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/network"
)

// Backend is what the network routes need of the daemon.
type Backend interface {
	NetworkList(ctx context.Context, f filters.Args) ([]network.Summary, error)
	NetworkInspect(ctx context.Context, ref string) (network.Inspect, error)
	NetworkCreate(ctx context.Context, req network.CreateRequest) (network.CreateResponse, error)
	NetworkRemove(ctx context.Context, ref string) error
	NetworkConnect(ctx context.Context, ref string, req network.ConnectRequest) error
	NetworkDisconnect(ctx context.Context, ref string, req network.DisconnectRequest) error
	NetworksPrune(ctx context.Context, f filters.Args) (network.PruneReport, error)
}
