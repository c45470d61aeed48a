package images

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/builder"
	"github.com/berth/berth/internal/image"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// buildBackend implements builder.Backend with the service's stores and
// containers.
type buildBackend struct{ s *Service }

// Build runs a Dockerfile build (POST /build).
func (s *Service) Build(ctx context.Context, opts backend.BuildOptions) (string, error) {
	if err := CheckPlatform(opts.Platform); err != nil {
		return "", err
	}
	for _, t := range opts.Tags {
		if _, err := image.ParseReference(t); err != nil {
			return "", err
		}
	}
	s.building.RLock()
	defer s.building.RUnlock()
	return builder.Build(ctx, buildBackend{s}, builder.Options{
		Context: opts.Context, Dockerfile: opts.Dockerfile, Tags: opts.Tags,
		BuildArgs: opts.BuildArgs, Labels: opts.Labels, NoCache: opts.NoCache,
		Pull: opts.Pull, Target: opts.Target, Network: opts.Network, Quiet: opts.Quiet,
		KeepContainers: opts.KeepContainers, ForceRemove: opts.ForceRemove, ExtraHosts: opts.ExtraHosts,
		TempDir: filepath.Join(s.buildDir, "tmp"), Output: opts.Output, Aux: opts.Aux,
	})
}

// Image implements builder.ImageSource.
func (b buildBackend) Image(ctx context.Context, name string) (builder.Image, error) {
	rec, _, err := b.s.images.Resolve(name)
	if err != nil {
		return builder.Image{}, err
	}
	cfg, err := b.s.ImageConfig(ctx, rec.ID)
	if err != nil {
		return builder.Image{}, err
	}
	return builder.Image{ID: rec.ID.String(), Config: *cfg}, nil
}

// Pull implements builder.ImageSource.
func (b buildBackend) Pull(ctx context.Context, name string, out io.Writer) (builder.Image, error) {
	ref, err := image.ParseReference(name)
	if err != nil {
		return builder.Image{}, err
	}
	err = b.s.PullImage(ctx, backend.PullOptions{Ref: ref.String()}, func(m jsonstream.Message) {
		if m.Status != "" && m.ID == "" {
			fmt.Fprintln(out, m.Status)
		}
	})
	if err != nil {
		return builder.Image{}, err
	}
	return b.Image(ctx, name)
}

// Commit implements builder.LayerStore: it stores the layer (when there
// is one) on the parent's chain and the image's config, as a commit does.
func (b buildBackend) Commit(ctx context.Context, req builder.CommitRequest) (builder.Image, error) {
	s := b.s
	s.gcMu.RLock()
	defer s.gcMu.RUnlock()
	var parent image.Record
	if req.Parent.ID != "" {
		var err error
		if parent, err = s.images.Get(digest.Digest(req.Parent.ID)); err != nil {
			return builder.Image{}, err
		}
	}
	img := dockerspec.DockerOCIImage{Image: req.Parent.Config.Image, Config: req.Config}
	if req.Parent.ID == "" {
		img.Platform = ocispec.Platform{Architecture: "amd64", OS: "linux"}
		img.RootFS.Type = "layers"
	}
	img.RootFS.DiffIDs = append([]digest.Digest(nil), parent.DiffIDs...)
	img.History = append([]ocispec.History(nil), req.Parent.Config.History...)
	now := time.Now().UTC()
	img.Created = &now
	h := ocispec.History{Created: &now, CreatedBy: req.CreatedBy, EmptyLayer: true}
	if req.Layer != nil {
		info, err := s.unpackLayer(ctx, parent.TopChainID(), "", func() (io.ReadCloser, error) { return io.NopCloser(req.Layer), nil })
		if err != nil {
			return builder.Image{}, err
		}
		if info.DiffID != emptyLayer {
			img.RootFS.DiffIDs = append(img.RootFS.DiffIDs, info.DiffID)
			h.EmptyLayer = false
		}
	}
	img.History = append(img.History, h)
	id, err := s.storeImage(ctx, &img, digest.Digest(parent.ID), nil)
	if err != nil {
		return builder.Image{}, err
	}
	// Each image a build makes is announced as a commit's is, so clients
	// watching events see the built image appear.
	s.events.Log(events.ImageEventType, events.ActionCreate, events.Actor{ID: id.String(), Attributes: map[string]string{"name": id.String()}})
	return builder.Image{ID: id.String(), Config: img}, nil
}

// Tag implements builder.LayerStore.
func (b buildBackend) Tag(ctx context.Context, id string, names []string) error {
	for _, n := range names {
		ref, err := image.ParseReference(n)
		if err != nil {
			return err
		}
		if _, err := b.s.images.Tag(reference.TagNameOnly(ref), digest.Digest(id)); err != nil {
			return err
		}
		b.s.events.Log(events.ImageEventType, events.ActionTag, events.Actor{ID: id, Attributes: map[string]string{"name": n}})
	}
	return nil
}

// PruneBuildCache forgets every cached build step. The images stay until
// removed; the cache only pointed at them.
func (s *Service) PruneBuildCache(ctx context.Context) (int64, error) {
	return 0, s.clearBuildCache()
}

// tmpBuildDir makes a scratch directory for the builder.
func (s *Service) tmpBuildDir(prefix string) (string, error) {
	dir := filepath.Join(s.buildDir, "tmp")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return os.MkdirTemp(dir, prefix)
}
