package images

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/image"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/events"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// ImportImage makes a one-layer image from a root filesystem tarball.
// Everything that can be refused is checked before the tarball is read, so
// bad arguments store nothing.
func (s *Service) ImportImage(ctx context.Context, src io.Reader, opts backend.ImportOptions) (string, error) {
	ref, err := ImportReference(opts.Repo, opts.Tag)
	if err != nil {
		return "", err
	}
	platform, err := ParsePlatform(opts.Platform)
	if err != nil {
		return "", err
	}
	if err := checkOS(platform); err != nil {
		return "", err
	}
	var cfg dockerspec.DockerOCIImageConfig
	if err := image.ApplyChanges(&cfg, opts.Changes); err != nil {
		return "", err
	}

	s.gcMu.RLock()
	defer s.gcMu.RUnlock()
	info, err := s.unpackLayer(ctx, "", "", func() (io.ReadCloser, error) { return io.NopCloser(src), nil })
	if err != nil {
		return "", err
	}
	comment := opts.Message
	if comment == "" {
		comment = "Imported from -"
	}
	now := time.Now().UTC()
	img := dockerspec.DockerOCIImage{
		Image: ocispec.Image{
			Created:  &now,
			Platform: ocispec.Platform{Architecture: platform.Architecture, OS: platform.OS, Variant: platform.Variant},
			RootFS:   ocispec.RootFS{Type: "layers", DiffIDs: []digest.Digest{info.DiffID}},
			History:  []ocispec.History{{Created: &now, Comment: comment}},
		},
		Config: cfg,
	}
	id, err := s.storeImage(ctx, &img, "", refsOf(ref))
	if err != nil {
		return "", err
	}
	s.events.Log(events.ImageEventType, events.ActionImport, events.Actor{ID: id.String(), Attributes: map[string]string{"name": id.String()}})
	return id.String(), nil
}

// storeImage writes the config blob and commits the image record with its
// parent (empty for a base image) and names. The caller holds gcMu for
// reading and has unpacked every layer.
func (s *Service) storeImage(ctx context.Context, img *dockerspec.DockerOCIImage, parent digest.Digest, refs []reference.Named) (digest.Digest, error) {
	data, err := json.Marshal(img)
	if err != nil {
		return "", err
	}
	id, _, err := s.content.Ingest(ctx, bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	rec, err := s.imageRecord(id, img)
	if err != nil {
		return "", err
	}
	rec.Parent = parent
	if _, err := s.images.Put(rec, refs); err != nil {
		return "", err
	}
	return id, nil
}

// recordImage commits the record of an image whose config and layers are
// stored, and returns the names it took from other images.
func (s *Service) recordImage(id digest.Digest, img *dockerspec.DockerOCIImage, refs []reference.Named) ([]image.Moved, error) {
	rec, err := s.imageRecord(id, img)
	if err != nil {
		return nil, err
	}
	return s.images.Put(rec, refs)
}

// imageRecord builds the record of an image whose layers are unpacked: its
// size is the sum of its layer trees'.
func (s *Service) imageRecord(id digest.Digest, img *dockerspec.DockerOCIImage) (image.Record, error) {
	rec := image.Record{ID: id, DiffIDs: img.RootFS.DiffIDs}
	for _, c := range image.ChainIDs(img.RootFS.DiffIDs) {
		info, err := s.snapshots.Stat(c)
		if err != nil {
			return image.Record{}, err
		}
		rec.Size += info.Size
	}
	if img.Created != nil {
		rec.Created = img.Created.UTC()
	}
	return rec, nil
}

// ImportReference builds the name given to an imported (or committed) image
// from the repo and tag parameters, as Docker does.
func ImportReference(repo, tag string) (reference.Named, error) {
	if repo == "" {
		return nil, nil
	}
	ref, err := image.ParseReference(repo)
	if err != nil {
		return nil, err
	}
	if _, ok := ref.(reference.Digested); ok {
		return nil, errdefs.ErrInvalidArgument.WithMessage("cannot import digest reference")
	}
	if tag != "" {
		if ref, err = reference.WithTag(ref, tag); err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
	}
	return reference.TagNameOnly(ref), nil
}

func refsOf(ref reference.Named) []reference.Named {
	if ref == nil {
		return nil
	}
	return []reference.Named{ref}
}

func CheckPlatform(p string) error {
	switch p {
	case "", "linux", "linux/amd64", "linux/x86_64", "linux/amd64/v1", "linux/amd64/v2", "linux/amd64/v3":
		return nil
	}
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("image operating system/architecture %q is not supported on this linux/amd64 engine", p))
}
