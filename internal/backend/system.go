package backend

import (
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
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
