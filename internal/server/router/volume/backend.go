// Package volume serves the volume routes of the Engine API: list, create,
// inspect, remove and prune. It declares the Backend it needs and never
// imports the daemon.
package volume

import (
	"context"

	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/volume"
)

// Backend is what the volume router needs from the daemon.
type Backend interface {
	// VolumeList returns the volumes matching f (dangling, name, label,
	// label!, driver).
	VolumeList(ctx context.Context, f filters.Args) ([]volume.Volume, error)
	// VolumeCreate creates a volume or returns the existing one by that
	// name.
	VolumeCreate(ctx context.Context, req volume.CreateRequest) (*volume.Volume, error)
	VolumeInspect(ctx context.Context, name string) (*volume.Volume, error)
	// VolumeRemove deletes a volume no container uses; force makes an
	// unknown name not an error.
	VolumeRemove(ctx context.Context, name string, force bool) error
	// VolumePrune removes unused volumes matching f: anonymous ones only,
	// unless f holds all=true.
	VolumePrune(ctx context.Context, f filters.Args) (*volume.PruneReport, error)
}
