package system

import (
	"context"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/system"
)

// Backend is what the system router needs from the daemon.
type Backend interface {
	SystemInfo(ctx context.Context) (*system.Info, error)
	SystemVersion(ctx context.Context) system.VersionResponse
	SystemDiskUsage(ctx context.Context, opts backend.DiskUsageOptions) (*backend.DiskUsage, error)
	// SubscribeToEvents returns the buffered events in [since, until] that
	// match f, and, unless until is in the past, a channel of the live ones
	// matching f. cancel releases the subscription.
	SubscribeToEvents(since, until time.Time, f filters.Args) (past []events.Message, live <-chan events.Message, cancel func())
}
