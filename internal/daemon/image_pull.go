package daemon

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
func (d *Daemon) PullImage(ctx context.Context, opts backend.PullOptions, progress func(jsonstream.Message)) error {
	ref, err := image.ParseReference(opts.Ref)
	if err != nil {
		return err
	}
	ref = reference.TagNameOnly(ref)
	platform, err := parsePlatform(opts.Platform)
	if err != nil {
		return err
	}
	d.gcMu.RLock()
	defer d.gcMu.RUnlock()
	prev, _ := d.images.Lookup(ref)
	pulled, err := d.registryClient().Pull(ctx, registry.PullRequest{
		Ref:      ref,
		Platform: platform,
		Auth:     credentials(opts.Auth),
		Progress: progressMessages(progress),
	}, d.content, pullTarget{d})
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
	img, err := d.imageConfig(ctx, pulled.Config)
	if err != nil {
		return err
	}
	if err := d.recordRegistryImage(pulled.Config, img, pulled.Manifest, pulled.Blobs, refs); err != nil {
		return err
	}
	name := reference.FamiliarString(ref)
	progress(jsonstream.Message{Status: "Digest: " + pulled.Digest.String()})
	if prev == pulled.Config {
		progress(jsonstream.Message{Status: "Status: Image is up to date for " + name})
	} else {
		progress(jsonstream.Message{Status: "Status: Downloaded newer image for " + name})
	}
	d.events.Log(events.ImageEventType, events.ActionPull, events.Actor{ID: name, Attributes: map[string]string{"name": reference.FamiliarName(ref)}})
	return nil
}

// pullTarget gives the registry client the daemon's unpack path.
type pullTarget struct{ d *Daemon }

func (t pullTarget) HasLayer(diffID digest.Digest) bool {
	_, err := t.d.content.Size(diffID)
	return err == nil
}

func (t pullTarget) Unpack(ctx context.Context, parent, diffID digest.Digest, open func() (io.ReadCloser, error)) (digest.Digest, error) {
	info, err := t.d.unpackLayer(ctx, parent, diffID, open)
	return info.ChainID, err
}

// recordRegistryImage commits an image whose config and layers are stored,
// remembering the registry manifest it travels as and keeping the blobs
// that manifest needs (merged with those kept already). The caller holds
// gcMu for reading.
func (d *Daemon) recordRegistryImage(id digest.Digest, img *dockerspec.DockerOCIImage, manifest digest.Digest, blobs []digest.Digest, refs []reference.Named) error {
	rec, err := d.imageRecord(id, img)
	if err != nil {
		return err
	}
	rec.Manifest = manifest
	if old, err := d.images.Get(id); err == nil {
		rec.Parent = old.Parent
		rec.Blobs = old.Blobs
	}
	for _, b := range blobs {
		if !slices.Contains(rec.Blobs, b) {
			rec.Blobs = append(rec.Blobs, b)
		}
	}
	_, err = d.images.Put(rec, refs)
	return err
}
