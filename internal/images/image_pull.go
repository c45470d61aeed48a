package images

import (
	"context"
	"io"
	"slices"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/registry"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/opencontainers/go-digest"
)

// PullImage fetches an image from its registry. Nothing becomes visible
// until every layer is unpacked and verified: the image record, with its
// tag and its digest reference (RepoDigests), is committed last, and gcMu
// keeps collection away from the blobs and trees made before that. A pull
// cut short leaves only unreferenced blobs, which the next collection (at
// the latest, the next start) removes.
func (s *Service) PullImage(ctx context.Context, opts backend.PullOptions, progress func(jsonstream.Message)) error {
	ref, err := image.ParseReference(opts.Ref)
	if err != nil {
		return err
	}
	ref = reference.TagNameOnly(ref)
	platform, err := ParsePlatform(opts.Platform)
	if err != nil {
		return err
	}
	s.gcMu.RLock()
	defer s.gcMu.RUnlock()
	prev, _ := s.images.Lookup(ref)
	pulled, err := s.registryClient().Pull(ctx, registry.PullRequest{
		Ref:      ref,
		Platform: platform,
		Auth:     credentials(opts.Auth),
		Progress: progressMessages(progress),
	}, s.content, pullTarget{s})
	if err != nil {
		return err
	}
	refs := []reference.Named{}
	if _, ok := ref.(reference.Tagged); ok {
		refs = append(refs, ref)
	}
	canonical, err := reference.WithDigest(reference.TrimNamed(ref), pulled.Digest)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	refs = append(refs, canonical)
	img, err := s.ImageConfig(ctx, pulled.Config)
	if err != nil {
		return err
	}
	if err := s.recordRegistryImage(pulled.Config, img, pulled.Manifest, pulled.Blobs, refs); err != nil {
		return err
	}
	name := reference.FamiliarString(ref)
	progress(jsonstream.Message{Status: "Digest: " + pulled.Digest.String()})
	if prev == pulled.Config {
		progress(jsonstream.Message{Status: "Status: Image is up to date for " + name})
	} else {
		progress(jsonstream.Message{Status: "Status: Downloaded newer image for " + name})
	}
	s.events.Log(events.ImageEventType, events.ActionPull, events.Actor{ID: name, Attributes: map[string]string{"name": reference.FamiliarName(ref)}})
	return nil
}

// pullTarget gives the registry client the daemon's unpack path.
type pullTarget struct{ s *Service }

func (t pullTarget) HasLayer(diffID digest.Digest) bool {
	_, err := t.s.content.Size(diffID)
	return err == nil
}

func (t pullTarget) Unpack(ctx context.Context, parent, diffID digest.Digest, open func() (io.ReadCloser, error)) (digest.Digest, error) {
	info, err := t.s.unpackLayer(ctx, parent, diffID, open)
	return info.ChainID, err
}

// recordRegistryImage commits an image whose config and layers are stored,
// remembering the registry manifest it travels as and keeping the blobs
// that manifest needs (merged with those kept already). The caller holds
// gcMu for reading.
func (s *Service) recordRegistryImage(id digest.Digest, img *dockerspec.DockerOCIImage, manifest digest.Digest, blobs []digest.Digest, refs []reference.Named) error {
	rec, err := s.imageRecord(id, img)
	if err != nil {
		return err
	}
	rec.Manifest = manifest
	if old, err := s.images.Get(id); err == nil {
		rec.Parent = old.Parent
		rec.Blobs = old.Blobs
	}
	for _, b := range blobs {
		if !slices.Contains(rec.Blobs, b) {
			rec.Blobs = append(rec.Blobs, b)
		}
	}
	_, err = s.images.Put(rec, refs)
	return err
}
