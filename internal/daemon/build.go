package daemon

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

// buildBackend implements builder.Backend with the daemon's stores and
// containers.
type buildBackend struct{ d *Daemon }

func (d *Daemon) buildDir() string { return filepath.Join(d.cfg.DataRoot, "builder") }

// Build runs a Dockerfile build (POST /build).
func (d *Daemon) Build(ctx context.Context, opts backend.BuildOptions) (string, error) {
	if err := checkPlatform(opts.Platform); err != nil {
		return "", err
	}
	for _, t := range opts.Tags {
		if _, err := image.ParseReference(t); err != nil {
			return "", err
		}
	}
	return builder.Build(ctx, buildBackend{d}, builder.Options{
		Context: opts.Context, Dockerfile: opts.Dockerfile, Tags: opts.Tags,
		BuildArgs: opts.BuildArgs, Labels: opts.Labels, NoCache: opts.NoCache,
		Pull: opts.Pull, Target: opts.Target, Network: opts.Network, Quiet: opts.Quiet,
		TempDir: filepath.Join(d.buildDir(), "tmp"), Output: opts.Output, Aux: opts.Aux,
	})
}

// Image implements builder.ImageSource.
func (b buildBackend) Image(ctx context.Context, name string) (builder.Image, error) {
	rec, _, err := b.d.images.Resolve(name)
	if err != nil {
		return builder.Image{}, err
	}
	cfg, err := b.d.imageConfig(ctx, rec.ID)
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
	err = b.d.PullImage(ctx, backend.PullOptions{Ref: ref.String()}, func(m jsonstream.Message) {
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
	d := b.d
	d.gcMu.RLock()
	defer d.gcMu.RUnlock()
	var parent image.Record
	if req.Parent.ID != "" {
		var err error
		if parent, err = d.images.Get(digest.Digest(req.Parent.ID)); err != nil {
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
		info, err := d.unpackLayer(ctx, parent.TopChainID(), "", func() (io.ReadCloser, error) { return io.NopCloser(req.Layer), nil })
		if err != nil {
			return builder.Image{}, err
		}
		if info.DiffID != emptyLayer {
			img.RootFS.DiffIDs = append(img.RootFS.DiffIDs, info.DiffID)
			h.EmptyLayer = false
		}
	}
	img.History = append(img.History, h)
	id, err := d.storeImage(ctx, &img, digest.Digest(parent.ID), nil)
	if err != nil {
		return builder.Image{}, err
	}
	return builder.Image{ID: id.String(), Config: img}, nil
}

// Tag implements builder.LayerStore.
func (b buildBackend) Tag(ctx context.Context, id string, names []string) error {
	for _, n := range names {
		ref, err := image.ParseReference(n)
		if err != nil {
			return err
		}
		if _, err := b.d.images.Tag(reference.TagNameOnly(ref), digest.Digest(id)); err != nil {
			return err
		}
		b.d.events.Log(events.ImageEventType, events.ActionTag, events.Actor{ID: id, Attributes: map[string]string{"name": n}})
	}
	return nil
}

// PruneBuildCache forgets every cached build step. The images stay until
// removed; the cache only pointed at them.
func (d *Daemon) PruneBuildCache(ctx context.Context) (int64, error) {
	return 0, d.clearBuildCache()
}

// tmpBuildDir makes a scratch directory for the builder.
func (d *Daemon) tmpBuildDir(prefix string) (string, error) {
	dir := filepath.Join(d.buildDir(), "tmp")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return os.MkdirTemp(dir, prefix)
}
