package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/berth/berth/internal/content"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// LayerStore receives the layers of a pull, bottom first. The daemon
// implements it over its layer trees.
type LayerStore interface {
	// HasLayer reports whether the uncompressed layer diffID is stored
	// already, in which case it is not downloaded.
	HasLayer(diffID digest.Digest) bool
	// Unpack makes sure the tree of diffID on top of parent exists,
	// verifying the uncompressed stream against diffID, and returns its
	// chain ID. open gives the layer as downloaded (possibly compressed);
	// it is called only if the layer has to be read.
	Unpack(ctx context.Context, parent, diffID digest.Digest, open func() (io.ReadCloser, error)) (digest.Digest, error)
}

// PullRequest says what to pull.
type PullRequest struct {
	Ref      reference.Named  // normalized, with a tag or a digest
	Platform ocispec.Platform // chosen from a manifest list; empty means linux/amd64
	Auth     Credentials
	Progress Progress
}

// Pulled is what a pull stored: the image (its config digest is its ID),
// the manifest it came from and every blob it added to the content store
// besides the config, which the caller keeps as long as the image.
type Pulled struct {
	Config   digest.Digest
	Manifest digest.Digest   // the image manifest
	Digest   digest.Digest   // what the name resolved to (a list or the manifest): the RepoDigest
	Blobs    []digest.Digest // manifests and compressed layers
}

// Pull resolves req.Ref, downloads what is missing into blobs (every blob
// verified against its digest) and hands the layers in order to layers.
// Layers download Config.Jobs at a time and each is unpacked as soon as it and
// the ones below it have arrived.
func (c *Client) Pull(ctx context.Context, req PullRequest, blobs *content.Store, layers LayerStore) (*Pulled, error) {
	what := reference.FamiliarString(req.Ref)
	ref, err := c.Reference(req.Ref)
	if err != nil {
		return nil, err
	}
	opts, err := c.options(ctx, ref.Context().RegistryStr(), req.Auth)
	if err != nil {
		return nil, err
	}
	puller, err := remote.NewPuller(opts...)
	if err != nil {
		return nil, err
	}
	desc, err := puller.Get(ctx, ref)
	if err != nil {
		return nil, classify(err, what)
	}
	// Only now: an unknown name or a refused login is still an HTTP
	// status rather than an error inside a started stream.
	if t, ok := req.Ref.(reference.Tagged); ok {
		req.Progress.send(t.Tag(), "Pulling from "+reference.Path(req.Ref))
	}
	out := &Pulled{Digest: digest.Digest(desc.Digest.String())}
	raw, mt := desc.Manifest, desc.MediaType
	out.Manifest = out.Digest
	if mt.IsIndex() {
		if err := storeBlob(blobs, out.Digest, raw); err != nil {
			return nil, err
		}
		out.Blobs = append(out.Blobs, out.Digest)
		child, err := pickPlatform(raw, req.Platform)
		if err != nil {
			return nil, err
		}
		cdesc, err := puller.Get(ctx, ref.Context().Digest(child.String()))
		if err != nil {
			return nil, classify(err, what)
		}
		raw, mt, out.Manifest = cdesc.Manifest, cdesc.MediaType, child
	}
	if mt == types.DockerManifestSchema1 || mt == types.DockerManifestSchema1Signed {
		return nil, errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("%s: Docker Image manifest version 2, schema 1 is not supported", what))
	}
	if !mt.IsImage() {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%s: unsupported manifest media type %q", what, mt))
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: invalid manifest: %w", what, err)
	}
	if err := storeBlob(blobs, out.Manifest, raw); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", out.Manifest, err)
	}
	out.Blobs = append(out.Blobs, out.Manifest)

	out.Config = digest.Digest(m.Config.Digest.String())
	if _, err := blobs.Size(out.Config); err != nil {
		if err := fetchBlob(ctx, puller, ref.Context(), m.Config, blobs, nil); err != nil {
			return nil, classify(err, what)
		}
	}
	cfg, err := blobs.ReadBlob(ctx, out.Config)
	if err != nil {
		return nil, err
	}
	var img ocispec.Image
	if err := json.Unmarshal(cfg, &img); err != nil {
		return nil, fmt.Errorf("%s: invalid image config %s: %w", what, out.Config, err)
	}
	if len(img.RootFS.DiffIDs) != len(m.Layers) {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%s: the manifest lists %d layers, the config %d",
			what, len(m.Layers), len(img.RootFS.DiffIDs)))
	}
	p := &layerPull{c: c, puller: puller, repo: ref.Context(), blobs: blobs, store: layers, progress: req.Progress}
	kept, err := p.run(ctx, m.Layers, img.RootFS.DiffIDs)
	if err != nil {
		return nil, classify(err, what)
	}
	out.Blobs = append(out.Blobs, kept...)
	return out, nil
}

// pickPlatform chooses the manifest for want (linux/amd64 by default)
// from a manifest list or OCI index.
func pickPlatform(raw []byte, want ocispec.Platform) (digest.Digest, error) {
	if want.OS == "" {
		want.OS = "linux"
	}
	if want.Architecture == "" {
		want.Architecture = "amd64"
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return "", fmt.Errorf("invalid manifest list: %w", err)
	}
	for _, m := range idx.Manifests {
		p := m.Platform
		if p == nil || p.OS != want.OS || p.Architecture != want.Architecture {
			continue
		}
		if want.Variant != "" && p.Variant != want.Variant {
			continue
		}
		return digest.Digest(m.Digest.String()), nil
	}
	return "", errdefs.ErrNotFound.WithMessage(fmt.Sprintf("no matching manifest for %s in the manifest list entries", platformString(want)))
}

func platformString(p ocispec.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// storeBlob writes a blob held in memory, refusing it unless it has
// digest d.
func storeBlob(blobs *content.Store, d digest.Digest, data []byte) error {
	w, err := blobs.Writer()
	if err != nil {
		return err
	}
	defer w.Discard()
	if _, err := w.Write(data); err != nil {
		return err
	}
	_, err = w.Commit(d)
	return err
}

// fetchBlob downloads one blob into the store. go-containerregistry checks
// the size and digest as it streams; the store checks the digest again
// before the blob becomes visible.
func fetchBlob(ctx context.Context, puller *remote.Puller, repo name.Repository, desc v1.Descriptor, blobs *content.Store, p Progress) error {
	d := digest.Digest(desc.Digest.String())
	l, err := puller.Layer(ctx, repo.Digest(d.String()))
	if err != nil {
		return err
	}
	rc, err := l.Compressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	w, err := blobs.Writer()
	if err != nil {
		return err
	}
	defer w.Discard()
	var r io.Reader = rc
	if p != nil {
		r = newCountingReader(rc, p, shortID(d), "Downloading", desc.Size)
	}
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("blob %s: %w", d, err)
	}
	if _, err := w.Commit(d); err != nil {
		return fmt.Errorf("blob %s: %w", d, err)
	}
	return nil
}
