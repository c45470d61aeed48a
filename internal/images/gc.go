package images

import (
	"context"

	"github.com/berth/berth/internal/snapshot"
	"github.com/opencontainers/go-digest"
)

// GCResult says what a collection freed.
type GCResult struct {
	Blobs     int
	Layers    []digest.Digest // chain IDs of removed layer trees
	Reclaimed int64           // bytes: blob sizes plus layer tree sizes
}

// CollectGarbage removes every blob and layer tree that no image references.
// Image records are the roots: their config blob, the uncompressed tar of
// each layer (kept so `save` streams exactly the bytes whose digest is the
// diff ID), the registry manifests and compressed layers a pull or push
// keeps (Blobs) and the layer tree of each chain ID.
func (s *Service) CollectGarbage(ctx context.Context) (GCResult, error) {
	s.gcMu.Lock()
	defer s.gcMu.Unlock()
	var res GCResult
	recs, err := s.images.List()
	if err != nil {
		return res, err
	}
	blobs := map[digest.Digest]bool{}
	layers := map[digest.Digest]bool{}
	for _, rec := range recs {
		blobs[rec.ID] = true
		for _, id := range rec.DiffIDs {
			blobs[id] = true
		}
		for _, b := range rec.Blobs {
			blobs[b] = true
		}
		for _, c := range rec.ChainIDs() {
			layers[c] = true
		}
	}
	var blobErr error
	err = s.content.Walk(func(dg digest.Digest, size int64) error {
		if blobs[dg] {
			return nil
		}
		if err := s.content.Delete(dg); err != nil {
			blobErr = err
			return nil
		}
		res.Blobs++
		res.Reclaimed += size
		return nil
	})
	if err != nil {
		return res, err
	}
	var doomed []digest.Digest
	var sizes int64
	if err := s.snapshots.Walk(func(info snapshot.Info) error {
		if !layers[info.ChainID] {
			doomed = append(doomed, info.ChainID)
			sizes += info.Size
		}
		return nil
	}); err != nil {
		return res, err
	}
	for _, c := range doomed {
		if err := s.snapshots.Remove(c); err != nil {
			return res, err
		}
	}
	res.Layers = doomed
	res.Reclaimed += sizes
	return res, blobErr
}
