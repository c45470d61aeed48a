package images

import (
	"context"
	"io"
	"sort"

	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/imagearchive"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/opencontainers/go-digest"
)

// ExportImages writes the named images to w in `docker save` format. A
// repository name without a tag saves every tag of that repository; an ID
// saves the image without names.
func (s *Service) ExportImages(ctx context.Context, names []string, w io.Writer) error {
	// Blobs must not be collected while they stream out.
	s.gcMu.RLock()
	defer s.gcMu.RUnlock()
	var order []digest.Digest
	byID := map[digest.Digest]*imagearchive.ExportImage{}
	add := func(rec image.Record, ref reference.Named) {
		ei, ok := byID[rec.ID]
		if !ok {
			ei = &imagearchive.ExportImage{Config: rec.ID, Layers: rec.DiffIDs}
			byID[rec.ID] = ei
			order = append(order, rec.ID)
		}
		if ref != nil {
			name := reference.FamiliarString(ref)
			for _, t := range ei.RepoTags {
				if t == name {
					return
				}
			}
			ei.RepoTags = append(ei.RepoTags, name)
		}
	}
	allRefs, err := s.images.Refs()
	if err != nil {
		return err
	}
	for _, name := range names {
		if repo, err := reference.ParseNormalizedNamed(name); err == nil && reference.IsNameOnly(repo) {
			if n := s.addRepository(repo, allRefs, add); n > 0 {
				continue
			}
		}
		rec, ref, err := s.images.Resolve(name)
		if err != nil {
			return err
		}
		add(rec, ref)
	}
	// The whole set is validated before the first byte is written, so a bad
	// name gives an error status instead of a broken tarball.
	list := make([]imagearchive.ExportImage, 0, len(order))
	for _, id := range order {
		sort.Strings(byID[id].RepoTags)
		list = append(list, *byID[id])
	}
	if err := imagearchive.Write(ctx, w, list, s.content); err != nil {
		return err
	}
	for _, id := range order {
		s.events.Log(events.ImageEventType, events.ActionSave, events.Actor{ID: id.String(), Attributes: map[string]string{"name": id.String()}})
	}
	return nil
}

// addRepository adds every tagged image of repo and returns how many.
func (s *Service) addRepository(repo reference.Named, allRefs map[digest.Digest][]reference.Named, add func(image.Record, reference.Named)) int {
	n := 0
	for id, refs := range allRefs {
		for _, ref := range refs {
			if _, tagged := ref.(reference.Tagged); !tagged || ref.Name() != repo.Name() {
				continue
			}
			rec, err := s.images.Get(id)
			if err != nil {
				continue
			}
			add(rec, ref)
			n++
		}
	}
	return n
}
