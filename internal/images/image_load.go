package images

import (
	"context"
	"fmt"
	"io"

	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/imagearchive"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/opencontainers/go-digest"
)

// LoadImage reads a docker-archive or OCI layout tarball. Each image becomes
// visible only once its config and all its layers are stored; an archive
// that breaks off leaves the images before the break and nothing else.
func (s *Service) LoadImage(ctx context.Context, src io.Reader, progress func(string)) error {
	s.gcMu.RLock()
	defer s.gcMu.RUnlock()
	found, err := imagearchive.Read(ctx, src, s.content)
	if err != nil {
		return err
	}
	for _, ai := range found {
		if err := s.loadOne(ctx, ai, progress); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) loadOne(ctx context.Context, ai imagearchive.Image, progress func(string)) error {
	img, err := s.ImageConfig(ctx, ai.Config)
	if err != nil {
		return err
	}
	if len(img.RootFS.DiffIDs) != len(ai.Layers) {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid image %s: the config lists %d layers, the manifest %d",
			ai.Config, len(img.RootFS.DiffIDs), len(ai.Layers)))
	}
	var refs []reference.Named
	for _, tag := range ai.RepoTags {
		ref, err := image.ParseReference(tag)
		if err != nil {
			return fmt.Errorf("invalid tag %q in archive: %w", tag, err)
		}
		refs = append(refs, reference.TagNameOnly(ref))
	}
	var parent digest.Digest
	for i, l := range ai.Layers {
		blob := l.Digest
		info, err := s.unpackLayer(ctx, parent, img.RootFS.DiffIDs[i], func() (io.ReadCloser, error) {
			return s.content.Open(ctx, blob)
		})
		if err != nil {
			return fmt.Errorf("layer %d of image %s: %w", i+1, ai.Config.Encoded()[:12], err)
		}
		parent = info.ChainID
	}
	moved, err := s.recordImage(ai.Config, img, refs)
	if err != nil {
		return err
	}
	for _, m := range moved {
		progress(fmt.Sprintf("The image %s already exists, renaming the old one with ID %s to empty string", reference.FamiliarString(m.Ref), m.From))
	}
	for _, ref := range refs {
		progress("Loaded image: " + reference.FamiliarString(ref))
	}
	if len(refs) == 0 {
		progress("Loaded image ID: " + ai.Config.String())
	}
	s.events.Log(events.ImageEventType, events.ActionLoad, events.Actor{ID: ai.Config.String(), Attributes: map[string]string{"name": ai.Config.String()}})
	return nil
}
