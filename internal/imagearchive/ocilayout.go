package imagearchive

import (
	"encoding/json"
	"runtime"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// maxIndexDepth bounds how deep nested indexes are followed; real archives nest one or two.
const maxIndexDepth = 8

// ociImages interprets index.json: each entry leads, possibly through nested indexes, to one
// image manifest. Entries naming the same manifest (one per tag) become one Image.
func (s *scan) ociImages(data []byte) ([]Image, error) {
	var idx ocispec.Index
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, invalidf("parsing index.json: %v", err)
	}
	var images []Image
	byManifest := map[digest.Digest]int{}
	for _, desc := range idx.Manifests {
		mdesc, err := s.pickManifest(desc, 0)
		if err != nil {
			return nil, err
		}
		i, seen := byManifest[mdesc.Digest]
		if !seen {
			img, err := s.imageFromManifest(mdesc)
			if err != nil {
				return nil, err
			}
			i = len(images)
			byManifest[mdesc.Digest] = i
			images = append(images, img)
		}
		if name, ok := annotatedTag(desc.Annotations); ok {
			images[i].RepoTags = appendUnique(images[i].RepoTags, name)
		}
	}
	return images, nil
}

// pickManifest follows desc down to an image manifest, choosing this machine's platform
// (linux/amd64 on Berth's hosts) where an index offers several.
func (s *scan) pickManifest(desc ocispec.Descriptor, depth int) (ocispec.Descriptor, error) {
	if depth > maxIndexDepth {
		return desc, invalidf("indexes nested deeper than %d levels", maxIndexDepth)
	}
	data, err := s.jsonBlob(desc.Digest)
	if err != nil {
		return desc, err
	}
	if !isIndex(desc.MediaType, data) {
		return desc, nil
	}
	var idx ocispec.Index
	if err := json.Unmarshal(data, &idx); err != nil {
		return desc, invalidf("parsing index %s: %v", desc.Digest, err)
	}
	child, ok := choosePlatform(idx.Manifests)
	if !ok {
		return desc, invalidf("index %s has no manifest for linux/%s", desc.Digest, runtime.GOARCH)
	}
	return s.pickManifest(child, depth+1)
}

// choosePlatform picks the manifest for linux on this architecture, or the only entry when the
// index says nothing about platforms (a plain wrapper index).
func choosePlatform(descs []ocispec.Descriptor) (ocispec.Descriptor, bool) {
	for _, d := range descs {
		if p := d.Platform; p != nil && p.OS == "linux" && p.Architecture == runtime.GOARCH {
			return d, true
		}
	}
	if len(descs) == 1 && descs[0].Platform == nil {
		return descs[0], true
	}
	return ocispec.Descriptor{}, false
}

// isIndex tells an index from a manifest by its declared media type, or by its content when
// the descriptor leaves the type out.
func isIndex(mediaType string, data []byte) bool {
	switch mediaType {
	case ocispec.MediaTypeImageIndex, mediaTypeDockerManifestList:
		return true
	case ocispec.MediaTypeImageManifest, mediaTypeDockerManifest:
		return false
	}
	var probe struct {
		MediaType string            `json:"mediaType"`
		Manifests []json.RawMessage `json:"manifests"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	if probe.MediaType != "" {
		return probe.MediaType == ocispec.MediaTypeImageIndex || probe.MediaType == mediaTypeDockerManifestList
	}
	return probe.Manifests != nil
}

// imageFromManifest reads an image manifest and checks that its config and layers are present.
func (s *scan) imageFromManifest(desc ocispec.Descriptor) (Image, error) {
	data, err := s.jsonBlob(desc.Digest)
	if err != nil {
		return Image{}, err
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Image{}, invalidf("parsing manifest %s: %v", desc.Digest, err)
	}
	if m.Config.Digest == "" {
		return Image{}, invalidf("manifest %s names no config", desc.Digest)
	}
	if _, ok := s.blobByDigest(m.Config.Digest); !ok {
		return Image{}, invalidf("config %s of manifest %s is missing from the archive", m.Config.Digest, desc.Digest)
	}
	img := Image{Config: m.Config.Digest, Layers: make([]Layer, 0, len(m.Layers))}
	for _, l := range m.Layers {
		b, ok := s.blobByDigest(l.Digest)
		if !ok {
			return Image{}, invalidf("layer %s of manifest %s is missing from the archive", l.Digest, desc.Digest)
		}
		mt := l.MediaType
		if mt == "" {
			mt = b.sniff
		}
		img.Layers = append(img.Layers, Layer{Digest: l.Digest, MediaType: mt})
	}
	return img, nil
}

// jsonBlob returns the bytes of a small JSON blob (a manifest or an index) kept by the scan.
func (s *scan) jsonBlob(d digest.Digest) ([]byte, error) {
	b, ok := s.blobByDigest(d)
	if !ok {
		return nil, invalidf("blob %s is missing from the archive", d)
	}
	data, ok := s.json[b.digest]
	if !ok {
		return nil, invalidf("blob %s is not a JSON manifest or index", d)
	}
	return data, nil
}
