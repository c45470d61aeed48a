package images

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/berth/berth/internal/check"
	"github.com/berth/berth/internal/image"
	"github.com/opencontainers/go-digest"
)

// verifyLimit is the largest blob whose digest the check recomputes:
// configs and small layers are cheap to hash, big layers are only
// checked for presence.
const verifyLimit = 8 << 20

// Check is the image part of the store check: every image complete
// (config blob, layer blobs and layer trees present, small blobs matching
// their digests, each tree holding the layer its chain ID says), no blob
// or layer tree that no image references, and no build scratch left by
// a build that is gone. It holds gcMu for writing, as a collection does,
// so what a pull or load is still making is never taken for garbage.
// Repair collects the garbage and removes the leftovers; an incomplete
// image is only reported: its data is gone and deleting it is the user's
// call.
func (s *Service) Check(ctx context.Context, repair bool) ([]check.Problem, error) {
	s.gcMu.Lock()
	defer s.gcMu.Unlock()
	recs, err := s.images.List()
	if err != nil {
		return nil, err
	}
	var out []check.Problem
	for _, rec := range recs {
		out = append(out, s.checkImage(ctx, rec)...)
	}
	garbage, err := s.checkGarbage(repair)
	if err != nil {
		return out, err
	}
	out = append(out, garbage...)
	return append(out, s.checkBuildTmp(repair)...), nil
}

func imageProblem(rec image.Record, format string, args ...any) check.Problem {
	return check.Problem{Area: "images", Subject: rec.ID.String(), Problem: fmt.Sprintf(format, args...)}
}

// checkImage checks that one image's parts are all there and sound.
func (s *Service) checkImage(ctx context.Context, rec image.Record) []check.Problem {
	var out []check.Problem
	if p := s.checkBlob(ctx, rec.ID); p != "" {
		out = append(out, imageProblem(rec, "config blob %s", p))
	}
	for _, id := range rec.DiffIDs {
		if p := s.checkBlob(ctx, id); p != "" {
			out = append(out, imageProblem(rec, "layer blob %s: %s", id, p))
		}
	}
	for _, b := range rec.Blobs {
		if _, err := s.content.Size(b); err != nil {
			out = append(out, imageProblem(rec, "registry blob %s is missing", b))
		}
	}
	parent := digest.Digest("")
	for i, chain := range rec.ChainIDs() {
		info, err := s.snapshots.Stat(chain)
		switch {
		case err != nil:
			out = append(out, imageProblem(rec, "layer tree %s is missing", chain))
		case info.DiffID != rec.DiffIDs[i]:
			out = append(out, imageProblem(rec, "layer tree %s holds layer %s, not %s", chain, info.DiffID, rec.DiffIDs[i]))
		case info.Parent != parent:
			out = append(out, imageProblem(rec, "layer tree %s sits on %q, not %q", chain, info.Parent, parent))
		}
		parent = chain
	}
	return out
}

// checkBlob says what is wrong with blob dg, or "" when nothing is.
func (s *Service) checkBlob(ctx context.Context, dg digest.Digest) string {
	size, err := s.content.Size(dg)
	if err != nil {
		return "is missing"
	}
	if size > verifyLimit {
		return ""
	}
	data, err := s.content.ReadBlob(ctx, dg)
	if err != nil {
		return "cannot be read: " + err.Error()
	}
	if got := dg.Algorithm().FromBytes(data); got != dg {
		return "is corrupt: its content hashes to " + got.String()
	}
	return ""
}

// checkGarbage reports (and with repair removes) what no image references.
func (s *Service) checkGarbage(repair bool) ([]check.Problem, error) {
	blobs, layers, err := s.garbage()
	if err != nil {
		return nil, err
	}
	var out []check.Problem
	for _, dg := range sortedKeys(blobs) {
		p := check.Problem{Area: "images", Subject: dg.String(), Problem: fmt.Sprintf("blob of %d bytes that no image references", blobs[dg])}
		if repair {
			p.Fix(s.content.Delete(dg))
		}
		out = append(out, p)
	}
	for _, c := range sortedKeys(layers) {
		p := check.Problem{Area: "images", Subject: c.String(), Problem: "layer tree that no image references"}
		if repair {
			p.Fix(s.snapshots.Remove(c))
		}
		out = append(out, p)
	}
	return out, nil
}

// checkBuildTmp reports the builder's scratch entries while no build
// runs: each is the leftover of a build that ended without its cleanup.
// While a build runs they cannot be told apart and are not looked at.
func (s *Service) checkBuildTmp(repair bool) []check.Problem {
	if !s.building.TryLock() {
		return nil
	}
	defer s.building.Unlock()
	dir := filepath.Join(s.buildDir, "tmp")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // none made yet
	}
	var out []check.Problem
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		pr := check.Problem{Area: "images", Subject: p, Problem: "build scratch left by a build that is gone"}
		if repair {
			pr.Fix(removeBuildTmp(p))
		}
		out = append(out, pr)
	}
	return out
}

func sortedKeys(m map[digest.Digest]int64) []digest.Digest {
	keys := make([]digest.Digest, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
