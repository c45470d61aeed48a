package images

import (
	"context"
	"fmt"
	"io"

	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/layer"
	"github.com/berth/berth/internal/snapshot"
	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

// unpackLayer makes sure the layer tree for (parent, diffID) exists and that
// the content store holds the layer's uncompressed tar under diffID. src is
// the layer as received, possibly compressed; it is read only when something
// is missing. An empty diffID means "not known yet" (import): it is computed
// from the stream. The caller holds gcMu for reading.
func (s *Service) unpackLayer(ctx context.Context, parent, diffID digest.Digest, src func() (io.ReadCloser, error)) (snapshot.Info, error) {
	if diffID != "" {
		chain := chainID(parent, diffID)
		if info, err := s.snapshots.Stat(chain); err == nil {
			if _, err := s.content.Size(diffID); err == nil {
				return info, nil
			}
		}
	}
	if diffID != "" {
		if _, err := s.content.Size(diffID); err == nil {
			return s.unpackStored(ctx, parent, diffID)
		}
	}
	rc, err := src()
	if err != nil {
		return snapshot.Info{}, err
	}
	defer rc.Close()
	plain, err := layer.Decompress(rc)
	if err != nil {
		return snapshot.Info{}, err
	}
	defer plain.Close()

	w, err := s.content.Writer()
	if err != nil {
		return snapshot.Info{}, err
	}
	defer w.Discard()
	pending, err := s.snapshots.Begin()
	if err != nil {
		return snapshot.Info{}, err
	}
	defer pending.Abort()

	tee := io.TeeReader(plain, w)
	size, err := layer.Apply(ctx, pending.Dir(), tee)
	if err != nil {
		return snapshot.Info{}, err
	}
	// The tar's end may be followed by padding that belongs to the digest.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return snapshot.Info{}, fmt.Errorf("reading layer: %w", err)
	}
	got, err := w.Commit(diffID)
	if err != nil {
		if errdefs.IsInvalidArgument(err) {
			return snapshot.Info{}, fmt.Errorf("layer does not match the diff ID in the image config: %w", err)
		}
		return snapshot.Info{}, err
	}
	return pending.Commit(snapshot.Info{ChainID: chainID(parent, got), Parent: parent, DiffID: got, Size: size})
}

func chainID(parent, diffID digest.Digest) digest.Digest {
	if parent == "" {
		return diffID
	}
	return image.ChainIDs([]digest.Digest{parent, diffID})[1]
}

// unpackStored unpacks a layer whose uncompressed tar is already in the
// content store (a docker-archive load stores it as it streams in). The blob
// is named by its own digest, so no copy and no second hash are needed.
func (s *Service) unpackStored(ctx context.Context, parent, diffID digest.Digest) (snapshot.Info, error) {
	rc, err := s.content.Open(ctx, diffID)
	if err != nil {
		return snapshot.Info{}, err
	}
	defer rc.Close()
	pending, err := s.snapshots.Begin()
	if err != nil {
		return snapshot.Info{}, err
	}
	defer pending.Abort()
	size, err := layer.Apply(ctx, pending.Dir(), rc)
	if err != nil {
		return snapshot.Info{}, err
	}
	return pending.Commit(snapshot.Info{ChainID: chainID(parent, diffID), Parent: parent, DiffID: diffID, Size: size})
}
