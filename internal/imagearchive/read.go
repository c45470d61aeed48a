package imagearchive

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Read parses a docker-archive or OCI layout tarball from r. Every regular file that might be a
// blob goes through ing; small metadata files (manifest.json, index.json, oci-layout,
// repositories) are kept in memory, capped at 4 MiB each. Entries may arrive in any order, and
// symlinks or hardlinks aliasing another entry are resolved.
//
// When both manifest.json and index.json exist (Docker 25+), manifest.json is preferred; the OCI
// manifests still supply the layers' media types. For an OCI layout, index.json leads to the
// manifests (nested indexes are followed, and the linux/amd64 manifest is picked from a
// multi-platform index); tags come from the annotation io.containerd.image.name, else from
// org.opencontainers.image.ref.name when it holds a full reference rather than a bare tag.
//
// Errors caused by the input wrap errdefs.ErrInvalidArgument; errors of ing are returned as is.
func Read(ctx context.Context, r io.Reader, ing Ingester) ([]Image, error) {
	s, err := scanTar(ctx, r, ing)
	if err != nil {
		return nil, err
	}
	if data, ok := s.meta[manifestFile]; ok {
		return s.dockerImages(data)
	}
	if data, ok := s.meta[ocispec.ImageIndexFile]; ok {
		return s.ociImages(data)
	}
	return nil, invalidf("no manifest.json nor index.json in the archive")
}

// manifestItem is one entry of a docker-archive's manifest.json.
type manifestItem struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// dockerImages interprets manifest.json.
func (s *scan) dockerImages(data []byte) ([]Image, error) {
	var items []manifestItem
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, invalidf("parsing manifest.json: %v", err)
	}
	kinds := s.layerMediaTypes()
	images := make([]Image, 0, len(items))
	for _, it := range items {
		cfg, ok := s.lookup(it.Config)
		if !ok {
			return nil, invalidf("manifest.json: config %q is missing from the archive", it.Config)
		}
		img := Image{Config: cfg.digest, Layers: []Layer{}}
		for _, l := range it.Layers {
			b, ok := s.lookup(l)
			if !ok {
				return nil, invalidf("manifest.json: layer %q is missing from the archive", l)
			}
			mt := kinds[b.digest]
			if mt == "" {
				mt = b.sniff
			}
			img.Layers = append(img.Layers, Layer{Digest: b.digest, MediaType: mt})
		}
		for _, t := range it.RepoTags {
			name, err := archiveTag(t)
			if err != nil {
				return nil, err
			}
			img.RepoTags = appendUnique(img.RepoTags, name)
		}
		images = append(images, img)
	}
	return images, nil
}

// layerMediaTypes collects the layer media types named by every image manifest in the archive,
// so that the compressed layers of a Docker 25+ archive are labelled as their manifest says.
func (s *scan) layerMediaTypes() map[digest.Digest]string {
	kinds := map[digest.Digest]string{}
	for _, data := range s.json {
		var m ocispec.Manifest
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		for _, l := range m.Layers {
			if l.MediaType != "" {
				kinds[l.Digest] = l.MediaType
			}
		}
	}
	return kinds
}

// familiarTag normalizes a name as found in an archive to docker's familiar form with a tag
// ("busybox" → "busybox:latest"). Names that carry a digest or do not parse are dropped: they
// cannot become tags.
func familiarTag(name string) (string, bool) {
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return "", false
	}
	ref = reference.TagNameOnly(ref)
	tagged, ok := ref.(reference.NamedTagged)
	if !ok {
		return "", false
	}
	if _, digested := ref.(reference.Digested); digested {
		// "name:tag@digest": keep the tag, which is what a user can refer to.
		t, err := reference.WithTag(reference.TrimNamed(ref), tagged.Tag())
		if err != nil {
			return "", false
		}
		tagged = t
	}
	return reference.FamiliarString(tagged), true
}

// archiveTag checks a RepoTags entry of manifest.json as Docker's load
// does, instead of dropping it unseen: a name that does not parse fails the
// load with the parser's words, one with a digest and no tag with
// `invalid tag "…"`. A bare name is taken as :latest, as Docker's
// containerd image store does.
func archiveTag(name string) (string, error) {
	if _, err := reference.ParseNormalizedNamed(name); err != nil {
		return "", errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	tag, ok := familiarTag(name)
	if !ok {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid tag %q", name))
	}
	return tag, nil
}

// annotatedTag returns the name an index.json entry gives its image, if any.
func annotatedTag(a map[string]string) (string, bool) {
	if n := a[annotationImageName]; n != "" {
		return familiarTag(n)
	}
	// ref.name is often a bare tag ("latest"), which names no repository.
	if n := a[annotationRefName]; strings.ContainsAny(n, "/:@") {
		return familiarTag(n)
	}
	return "", false
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
