package system

import (
	"context"
	"time"

	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"
)

// DiskUsage is what the daemon reports for GET /system/df; the router shapes
// it into the wire format of the negotiated API version.
type DiskUsage struct {
	LayersSize int64
	Images     []image.Summary // with Containers and SharedSize filled in
	// Containers (with SizeRw) and Volumes (with UsageData) are filled in
	// when asked for; nil is reported as none.
	Containers []container.Summary
	Volumes    []volume.Volume
}

// DiskUsageOptions says which object types the client asked for.
type DiskUsageOptions struct {
	Images, Containers, Volumes, BuildCache bool
}

// Backend is what the system router needs from the daemon.
type Backend interface {
	SystemInfo(ctx context.Context) (*system.Info, error)
	SystemVersion(ctx context.Context) system.VersionResponse
	SystemDiskUsage(ctx context.Context, opts DiskUsageOptions) (*DiskUsage, error)
	// SubscribeToEvents returns the buffered events in [since, until] that
	// match f, and, unless until is in the past, a channel of the live ones
	// matching f. cancel releases the subscription.
	SubscribeToEvents(since, until time.Time, f filters.Args) (past []events.Message, live <-chan events.Message, cancel func())
}
