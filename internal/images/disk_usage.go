package images

import (
	"context"

	"github.com/berth/berth/internal/snapshot"
	apiimage "github.com/moby/moby/api/types/image"
	"github.com/opencontainers/go-digest"
)

// DiskUsage reports the images of /system/df, with their shared sizes,
// and what all layer trees take on disk, each tree counted once.
func (s *Service) DiskUsage(ctx context.Context) ([]apiimage.Summary, int64, error) {
	sums, err := s.summaries(ctx, true)
	if err != nil {
		return nil, 0, err
	}
	for i := range sums {
		sums[i].Containers = 0
	}
	var size int64
	seen := map[digest.Digest]bool{}
	err = s.snapshots.Walk(func(info snapshot.Info) error {
		if !seen[info.ChainID] {
			seen[info.ChainID] = true
			size += info.Size
		}
		return nil
	})
	return sums, size, err
}
