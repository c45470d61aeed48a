package system

import (
	"context"
	"fmt"
	"net/http"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"
)

// legacyDiskUsage is the /system/df answer before API 1.52, which the
// docker CLI up to 28 reads. The lists are always present when asked for,
// possibly empty.
type legacyDiskUsage struct {
	LayersSize int64               `json:"LayersSize,omitempty"`
	Images     []image.Summary     `json:"Images,omitzero"`
	Containers []container.Summary `json:"Containers,omitzero"`
	Volumes    []volume.Volume     `json:"Volumes,omitzero"`
	BuildCache []build.CacheRecord `json:"BuildCache,omitzero"`
}

// bothDiskUsage is API 1.52's answer to a client that did not ask for
// verbose: old and new fields side by side, for clients in transition.
type bothDiskUsage struct {
	*legacyDiskUsage
	*system.DiskUsage
}

func (s *Router) diskUsage(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	var opts backend.DiskUsageOptions
	types, ok := r.URL.Query()["type"]
	if !ok || router.VersionBefore(ctx, "1.42") {
		opts = backend.DiskUsageOptions{Images: true, Containers: true, Volumes: true, BuildCache: true}
	}
	for _, t := range types {
		switch system.DiskUsageObject(t) {
		case system.ImageObject:
			opts.Images = true
		case system.ContainerObject:
			opts.Containers = true
		case system.VolumeObject:
			opts.Volumes = true
		case system.BuildCacheObject:
			opts.BuildCache = true
		default:
			return fmt.Errorf("unknown object type: %s: %w", t, errdefs.ErrInvalidArgument)
		}
	}
	du, err := s.backend.SystemDiskUsage(ctx, opts)
	if err != nil {
		return err
	}

	legacy := router.VersionBefore(ctx, "1.52")
	verbose := !legacy && router.BoolValue(r, "verbose")
	var old *legacyDiskUsage
	if legacy || (!verbose && router.VersionBefore(ctx, "1.53")) {
		old = legacyShape(du, opts)
	}
	if legacy {
		return router.WriteJSON(w, http.StatusOK, old)
	}
	return router.WriteJSON(w, http.StatusOK, bothDiskUsage{old, currentShape(du, opts, verbose)})
}

func legacyShape(du *backend.DiskUsage, opts backend.DiskUsageOptions) *legacyDiskUsage {
	var out legacyDiskUsage
	if opts.Images {
		out.LayersSize = du.LayersSize
		out.Images = nonNil(du.Images)
	}
	if opts.Containers {
		out.Containers = nonNil(du.Containers)
	}
	if opts.Volumes {
		out.Volumes = nonNil(du.Volumes)
	}
	if opts.BuildCache {
		out.BuildCache = []build.CacheRecord{}
	}
	return &out
}

// currentShape summarises each object type as API 1.52 does: counts, total
// size and what removing the unused objects would free.
func currentShape(du *backend.DiskUsage, opts backend.DiskUsageOptions, verbose bool) *system.DiskUsage {
	var out system.DiskUsage
	if opts.Images {
		u := &image.DiskUsage{TotalCount: int64(len(du.Images)), TotalSize: du.LayersSize}
		for _, img := range du.Images {
			switch {
			case img.Containers > 0:
				u.ActiveCount++
			case img.Containers == 0 && img.Size >= 0 && img.SharedSize >= 0:
				u.Reclaimable += img.Size - img.SharedSize
			}
		}
		if verbose {
			u.Items = du.Images
		}
		out.ImageUsage = u
	}
	if opts.Containers {
		u := &container.DiskUsage{TotalCount: int64(len(du.Containers))}
		for _, c := range du.Containers {
			u.TotalSize += c.SizeRw
			switch c.State {
			case container.StateRunning, container.StatePaused, container.StateRestarting:
				u.ActiveCount++
			default:
				u.Reclaimable += c.SizeRw
			}
		}
		if verbose {
			u.Items = du.Containers
		}
		out.ContainerUsage = u
	}
	if opts.Volumes {
		u := &volume.DiskUsage{TotalCount: int64(len(du.Volumes))}
		for _, v := range du.Volumes {
			if v.UsageData == nil || v.UsageData.Size < 0 {
				u.ActiveCount++ // unknown usage: count it as used, reclaim nothing
				continue
			}
			u.TotalSize += v.UsageData.Size
			if v.UsageData.RefCount > 0 {
				u.ActiveCount++
			} else {
				u.Reclaimable += v.UsageData.Size
			}
		}
		if verbose {
			u.Items = du.Volumes
		}
		out.VolumeUsage = u
	}
	if opts.BuildCache {
		out.BuildCacheUsage = &build.DiskUsage{}
	}
	return &out
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
