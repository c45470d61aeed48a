package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/distribution/reference"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Inspect resolves ref at its registry without pulling: the descriptor of
// what the name points at and the platforms it offers (from a list, or
// from the one image's config).
func (c *Client) Inspect(ctx context.Context, ref reference.Named, cred Credentials) (ocispec.Descriptor, []ocispec.Platform, error) {
	what := reference.FamiliarString(ref)
	r, err := c.Reference(ref)
	if err != nil {
		return ocispec.Descriptor{}, nil, err
	}
	opts, err := c.options(ctx, r.Context().RegistryStr(), cred)
	if err != nil {
		return ocispec.Descriptor{}, nil, err
	}
	puller, err := remote.NewPuller(opts...)
	if err != nil {
		return ocispec.Descriptor{}, nil, err
	}
	desc, err := puller.Get(ctx, r)
	if err != nil {
		return ocispec.Descriptor{}, nil, classify(err, what)
	}
	out := ocispec.Descriptor{MediaType: string(desc.MediaType), Digest: digest.Digest(desc.Digest.String()), Size: desc.Size}
	var platforms []ocispec.Platform
	switch {
	case desc.MediaType.IsIndex():
		idx, err := v1.ParseIndexManifest(bytes.NewReader(desc.Manifest))
		if err != nil {
			return out, nil, fmt.Errorf("%s: invalid manifest list: %w", what, err)
		}
		for _, m := range idx.Manifests {
			if p := m.Platform; p != nil {
				platforms = append(platforms, ocispec.Platform{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant, OSVersion: p.OSVersion})
			}
		}
	case desc.MediaType.IsImage():
		m, err := v1.ParseManifest(bytes.NewReader(desc.Manifest))
		if err != nil {
			return out, nil, fmt.Errorf("%s: invalid manifest: %w", what, err)
		}
		l, err := puller.Layer(ctx, r.Context().Digest(m.Config.Digest.String()))
		if err != nil {
			return out, nil, classify(err, what)
		}
		rc, err := l.Compressed()
		if err != nil {
			return out, nil, classify(err, what)
		}
		defer rc.Close()
		var p ocispec.Platform
		if err := json.NewDecoder(rc).Decode(&p); err != nil {
			return out, nil, fmt.Errorf("%s: invalid image config: %w", what, err)
		}
		platforms = append(platforms, p)
	}
	return out, platforms, nil
}
