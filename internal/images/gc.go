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
	return s.collectLocked()
}

// garbage lists the blobs and layer trees no image record reaches, with
// their sizes. The caller holds gcMu for writing, so no half-made image
// is among them.
func (s *Service) garbage() (blobs map[digest.Digest]int64, layers map[digest.Digest]int64, err error) {
	recs, err := s.images.List()
	if err != nil {
		return nil, nil, err
	}
	liveBlobs := map[digest.Digest]bool{}
	liveLayers := map[digest.Digest]bool{}
	for _, rec := range recs {
		liveBlobs[rec.ID] = true
		for _, id := range rec.DiffIDs {
			liveBlobs[id] = true
		}
		for _, b := range rec.Blobs {
			liveBlobs[b] = true
		}
		for _, c := range rec.ChainIDs() {
			liveLayers[c] = true
		}
	}
	blobs = map[digest.Digest]int64{}
	if err := s.content.Walk(func(dg digest.Digest, size int64) error {
		if !liveBlobs[dg] {
			blobs[dg] = size
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	layers = map[digest.Digest]int64{}
	if err := s.snapshots.Walk(func(info snapshot.Info) error {
		if !liveLayers[info.ChainID] {
			layers[info.ChainID] = info.Size
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	return blobs, layers, nil
}

// collectLocked removes the garbage; the caller holds gcMu for writing.
func (s *Service) collectLocked() (GCResult, error) {
	var res GCResult
	blobs, layers, err := s.garbage()
	if err != nil {
		return res, err
	}
	var blobErr error
	for dg, size := range blobs {
		if err := s.content.Delete(dg); err != nil {
			blobErr = err
			continue
		}
		res.Blobs++
		res.Reclaimed += size
	}
	for c, size := range layers {
		if err := s.snapshots.Remove(c); err != nil {
			return res, err
		}
		res.Layers = append(res.Layers, c)
		res.Reclaimed += size
	}
	return res, blobErr
}
