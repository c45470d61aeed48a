package images

import (
	"context"
	"fmt"
	"os"

	"github.com/berth/berth/internal/builder"
	"github.com/berth/berth/internal/mount"
	"github.com/opencontainers/go-digest"
)

// View implements builder.LayerStore: the image's layers, read-only. One
// layer is its tree itself; more are stacked by a read-only overlay (which
// needs no upper directory); none is an empty directory.
func (b buildBackend) View(ctx context.Context, img builder.Image) (string, func(), error) {
	s := b.s
	var lowers []string
	if img.ID != "" {
		rec, err := s.images.Get(digest.Digest(img.ID))
		if err != nil {
			return "", nil, err
		}
		if top := rec.TopChainID(); top != "" {
			if lowers, err = s.snapshots.Lowers(top); err != nil {
				return "", nil, err
			}
		}
	}
	if len(lowers) == 1 {
		return lowers[0], func() {}, nil
	}
	dir, err := s.tmpBuildDir("view-")
	if err != nil {
		return "", nil, err
	}
	if len(lowers) == 0 {
		return dir, func() { os.RemoveAll(dir) }, nil
	}
	if err := (mount.Overlay{Lower: lowers, Target: dir}).Mount(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("mounting the layers of %s: %w", img.ID, err)
	}
	return dir, func() {
		mount.Unmount(dir)
		os.Remove(dir)
	}, nil
}
