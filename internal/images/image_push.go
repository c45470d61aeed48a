package images

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/registry"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/klauspost/compress/gzip"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Docker's v2 schema 2 media types, which a push writes.
const (
	mediaTypeManifest = "application/vnd.docker.distribution.manifest.v2+json"
	mediaTypeConfig   = "application/vnd.docker.container.image.v1+json"
	mediaTypeLayer    = "application/vnd.docker.image.rootfs.diff.tar.gzip"
)

// PushImage uploads the named tag, or every tag of the repository, to its
// registry and records the digest the registry now knows it by.
func (s *Service) PushImage(ctx context.Context, opts backend.PushOptions, progress func(jsonstream.Message)) error {
	named, err := image.ParseReference(opts.Name)
	if err != nil {
		return err
	}
	if _, ok := named.(reference.Digested); ok {
		return errdefs.ErrInvalidArgument.WithMessage("cannot push a digest reference")
	}
	tags, err := s.pushTags(named, opts.Tag)
	if err != nil {
		return err
	}
	progress(jsonstream.Message{Status: "The push refers to repository [" + named.Name() + "]"})
	for _, tag := range tags {
		if err := s.pushOne(ctx, tag, opts, progress); err != nil {
			return err
		}
	}
	return nil
}

// pushTags lists what to push: the given tag, or every local tag of the
// repository when none is given.
func (s *Service) pushTags(named reference.Named, tag string) ([]reference.NamedTagged, error) {
	if t, ok := named.(reference.NamedTagged); ok && tag == "" {
		return []reference.NamedTagged{t}, nil
	}
	repo := reference.TrimNamed(named)
	if tag != "" {
		t, err := reference.WithTag(repo, tag)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		return []reference.NamedTagged{t}, nil
	}
	all, err := s.images.Refs()
	if err != nil {
		return nil, err
	}
	var out []reference.NamedTagged
	for _, refs := range all {
		for _, r := range refs {
			if t, ok := r.(reference.NamedTagged); ok && r.Name() == repo.Name() {
				out = append(out, t)
			}
		}
	}
	if len(out) == 0 {
		return nil, errdefs.ErrNotFound.WithMessage("An image does not exist locally with the tag: " + reference.FamiliarName(repo))
	}
	return out, nil
}

func (s *Service) pushOne(ctx context.Context, tag reference.NamedTagged, opts backend.PushOptions, progress func(jsonstream.Message)) error {
	s.gcMu.RLock()
	defer s.gcMu.RUnlock()
	id, err := s.images.Lookup(tag)
	if err != nil {
		return errdefs.ErrNotFound.WithMessage("An image does not exist locally with the tag: " + reference.FamiliarString(tag))
	}
	rec, err := s.images.Get(id)
	if err != nil {
		return err
	}
	p, err := s.pushable(ctx, rec)
	if err != nil {
		return err
	}
	all, err := s.images.Refs()
	if err != nil {
		return err
	}
	dg, err := s.registryClient().Push(ctx, registry.PushRequest{
		Ref:       tag,
		Auth:      credentials(opts.Auth),
		Progress:  progressMessages(progress),
		Manifest:  p.raw,
		MediaType: p.mediaType,
		Config:    p.config,
		Layers:    p.layers,
		MountFrom: all[id],
	})
	if err != nil {
		return err
	}
	img, err := s.ImageConfig(ctx, id)
	if err != nil {
		return err
	}
	canonical, err := reference.WithDigest(reference.TrimNamed(tag), dg)
	if err != nil {
		return err
	}
	if err := s.recordRegistryImage(id, img, p.manifest, p.blobs, []reference.Named{canonical}); err != nil {
		return err
	}
	progress(jsonstream.Message{Status: fmt.Sprintf("%s: digest: %s size: %d", tag.Tag(), dg, len(p.raw))})
	aux, _ := json.Marshal(map[string]any{"Tag": tag.Tag(), "Digest": dg.String(), "Size": len(p.raw)})
	raw := json.RawMessage(aux)
	progress(jsonstream.Message{Aux: &raw})
	s.events.Log(events.ImageEventType, events.ActionPush, events.Actor{ID: reference.FamiliarString(tag), Attributes: map[string]string{"name": reference.FamiliarName(tag)}})
	return nil
}

// pushableImage is an image ready to upload: its manifest and blobs.
type pushableImage struct {
	raw       []byte
	mediaType string
	manifest  digest.Digest
	config    registry.Blob
	layers    []registry.Blob
	blobs     []digest.Digest // to keep with the image: manifest and compressed layers
}

// pushable reuses the manifest the image was pulled or last pushed as when
// all its blobs are kept, so the registry sees the same digests (and can
// skip or mount them). Otherwise each layer's stored tar is gzipped into
// the content store, once, and a Docker v2 schema 2 manifest is written.
func (s *Service) pushable(ctx context.Context, rec image.Record) (*pushableImage, error) {
	if p, ok := s.storedManifest(ctx, rec); ok {
		return p, nil
	}
	cfgSize, err := s.content.Size(rec.ID)
	if err != nil {
		return nil, err
	}
	m := ocispec.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: mediaTypeManifest,
		Config:    ocispec.Descriptor{MediaType: mediaTypeConfig, Digest: rec.ID, Size: cfgSize},
		Layers:    make([]ocispec.Descriptor, len(rec.DiffIDs)),
	}
	errs := make([]error, len(rec.DiffIDs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 3)
	for i, diffID := range rec.DiffIDs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			m.Layers[i], errs[i] = s.compressLayer(ctx, diffID)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	raw, err := json.MarshalIndent(m, "", "   ")
	if err != nil {
		return nil, err
	}
	dg, _, err := s.content.Ingest(ctx, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return s.pushableFrom(raw, dg, m, rec.DiffIDs), nil
}

// storedManifest returns the image's kept manifest if it and all its
// blobs are still there and it describes this image.
func (s *Service) storedManifest(ctx context.Context, rec image.Record) (*pushableImage, bool) {
	if rec.Manifest == "" {
		return nil, false
	}
	raw, err := s.content.ReadBlob(ctx, rec.Manifest)
	if err != nil {
		return nil, false
	}
	var m ocispec.Manifest
	if json.Unmarshal(raw, &m) != nil || m.Config.Digest != rec.ID || len(m.Layers) != len(rec.DiffIDs) {
		return nil, false
	}
	for _, l := range m.Layers {
		if _, err := s.content.Size(l.Digest); err != nil {
			return nil, false
		}
	}
	if m.MediaType == "" {
		m.MediaType = ocispec.MediaTypeImageManifest
	}
	return s.pushableFrom(raw, rec.Manifest, m, rec.DiffIDs), true
}

func (s *Service) pushableFrom(raw []byte, dg digest.Digest, m ocispec.Manifest, diffIDs []digest.Digest) *pushableImage {
	p := &pushableImage{raw: raw, mediaType: m.MediaType, manifest: dg, blobs: []digest.Digest{dg}}
	p.config = registry.Blob{Descriptor: m.Config, Open: s.blobOpener(m.Config.Digest)}
	for i, l := range m.Layers {
		// Docker names layers by diff ID in push output.
		p.layers = append(p.layers, registry.Blob{Descriptor: l, Open: s.blobOpener(l.Digest), ID: shortDiffID(diffIDs[i])})
		p.blobs = append(p.blobs, l.Digest)
	}
	return p
}

func (s *Service) blobOpener(dg digest.Digest) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return s.content.Open(context.Background(), dg) }
}

// compressLayer gzips the stored tar of a layer into the content store.
// The caller holds gcMu for reading and keeps the result with the image.
func (s *Service) compressLayer(ctx context.Context, diffID digest.Digest) (ocispec.Descriptor, error) {
	rc, err := s.content.Open(ctx, diffID)
	if err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("layer %s: %w", diffID, err)
	}
	defer rc.Close()
	w, err := s.content.Writer()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	defer w.Discard()
	zw := gzip.NewWriter(w)
	if _, err := io.Copy(zw, rc); err != nil {
		return ocispec.Descriptor{}, err
	}
	if err := zw.Close(); err != nil {
		return ocispec.Descriptor{}, err
	}
	dg, err := w.Commit("")
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return ocispec.Descriptor{MediaType: mediaTypeLayer, Digest: dg, Size: w.Size()}, nil
}

func shortDiffID(d digest.Digest) string { return d.Encoded()[:12] }
