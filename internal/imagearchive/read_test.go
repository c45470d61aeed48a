package imagearchive

import (
	"archive/tar"
	"reflect"
	"runtime"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// TestReadLegacy reads the layout of Docker ≤24, in a scrambled order, where the second image
// reuses the first one's bottom layer through a symlink and a hardlink.
func TestReadLegacy(t *testing.T) {
	base, top := layerTar(t, "bin/sh", "shell"), layerTar(t, "etc/motd", "hi")
	baseID, topID := digest.FromBytes(base), digest.FromBytes(top)
	cfgA := configJSON(t, "a", baseID, topID)
	cfgB := configJSON(t, "b", baseID)
	cfgC := configJSON(t, "c", baseID)
	idA, idB, idC := digest.FromBytes(cfgA), digest.FromBytes(cfgB), digest.FromBytes(cfgC)
	manifest := `[
	 {"Config":"` + idA.Encoded() + `.json","RepoTags":["busybox:latest","localhost:5000/a/b:v1"],
	  "Layers":["1111/layer.tar","2222/layer.tar"]},
	 {"Config":"` + idB.Encoded() + `.json","RepoTags":null,"Layers":["3333/layer.tar"]},
	 {"Config":"./` + idC.Encoded() + `.json","RepoTags":["c"],"Layers":["4444/layer.tar"]}]`
	archive := buildTar(t,
		entry{name: "manifest.json", body: []byte(manifest)},
		entry{name: "3333/", typ: tar.TypeDir},
		entry{name: "3333/layer.tar", link: "../1111/layer.tar", typ: tar.TypeSymlink},
		entry{name: "3333/VERSION", body: []byte("1.0")},
		entry{name: "3333/json", body: []byte(`{"id":"3333"}`)},
		entry{name: "1111/", typ: tar.TypeDir},
		entry{name: "1111/VERSION", body: []byte("1.0")},
		entry{name: "1111/json", body: []byte(`{"id":"1111"}`)},
		entry{name: "1111/layer.tar", body: base},
		entry{name: "4444/layer.tar", link: "3333/layer.tar", typ: tar.TypeLink}, // a link to a link
		entry{name: "2222/layer.tar", body: top},
		entry{name: idA.Encoded() + ".json", body: cfgA},
		entry{name: idB.Encoded() + ".json", body: cfgB},
		entry{name: "./" + idC.Encoded() + ".json", body: cfgC},
		entry{name: "repositories", body: []byte(`{"busybox":{"latest":"2222"}}`)},
	)
	images, store := readArchive(t, archive)

	layer := func(d digest.Digest) Layer { return Layer{Digest: d, MediaType: MediaTypeDockerLayer} }
	want := []Image{
		{Config: idA, Layers: []Layer{layer(baseID), layer(topID)}, RepoTags: []string{"busybox:latest", "localhost:5000/a/b:v1"}},
		{Config: idB, Layers: []Layer{layer(baseID)}},
		{Config: idC, Layers: []Layer{layer(baseID)}, RepoTags: []string{"c:latest"}},
	}
	if !reflect.DeepEqual(images, want) {
		t.Errorf("Read =\n%+v\nwant\n%+v", images, want)
	}
	if got := len(store.blobs); got != 5 { // 2 layers + 3 configs; no VERSION, json or metadata
		t.Errorf("%d blobs ingested, want 5", got)
	}
}

// TestReadOCINested reads an OCI layout whose index.json points at a multi-platform index, as
// `docker save` with the containerd image store writes for a pulled image: only this machine's
// platform is present, and its layer is gzip compressed.
func TestReadOCINested(t *testing.T) {
	layer := gzipped(t, layerTar(t, "bin/sh", "shell"))
	layerDgst := digest.FromBytes(layer)
	cfg := configJSON(t, "oci", digest.FromBytes(layerTar(t, "bin/sh", "shell")))
	cfgDgst := digest.FromBytes(cfg)
	manifest := mustJSON(t, ocispec.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageManifest,
		Config:    ocispec.Descriptor{MediaType: ocispec.MediaTypeImageConfig, Digest: cfgDgst, Size: int64(len(cfg))},
		Layers:    []ocispec.Descriptor{{MediaType: ocispec.MediaTypeImageLayerGzip, Digest: layerDgst, Size: int64(len(layer))}},
	})
	manifestDgst := digest.FromBytes(manifest)
	other := "arm64"
	if runtime.GOARCH == other {
		other = "amd64"
	}
	inner := mustJSON(t, ocispec.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: ocispec.MediaTypeImageIndex,
		Manifests: []ocispec.Descriptor{
			{MediaType: ocispec.MediaTypeImageManifest, Digest: digest.FromString("absent"), Size: 10,
				Platform: &ocispec.Platform{OS: "linux", Architecture: other}},
			{MediaType: ocispec.MediaTypeImageManifest, Digest: manifestDgst, Size: int64(len(manifest)),
				Platform: &ocispec.Platform{OS: "linux", Architecture: runtime.GOARCH}},
		},
	})
	innerDgst := digest.FromBytes(inner)
	desc := func(a map[string]string) ocispec.Descriptor {
		// No media type: the reader must tell an index from a manifest by content.
		return ocispec.Descriptor{Digest: innerDgst, Size: int64(len(inner)), Annotations: a}
	}
	index := mustJSON(t, ocispec.Index{
		Versioned: specs.Versioned{SchemaVersion: 2},
		Manifests: []ocispec.Descriptor{
			desc(map[string]string{annotationImageName: "docker.io/library/alpine:3.19", annotationRefName: "3.19"}),
			desc(map[string]string{annotationRefName: "latest"}), // a bare tag names no repository
			desc(map[string]string{annotationRefName: "example.com/x/y:z"}),
		},
	})
	archive := buildTar(t,
		entry{name: "blobs/sha256/" + layerDgst.Encoded(), body: layer},
		entry{name: "index.json", body: index},
		entry{name: "blobs/sha256/" + innerDgst.Encoded(), body: inner},
		entry{name: "oci-layout", body: []byte(`{"imageLayoutVersion":"1.0.0"}`)},
		entry{name: "blobs/sha256/" + manifestDgst.Encoded(), body: manifest},
		entry{name: "blobs/sha256/" + cfgDgst.Encoded(), body: cfg},
	)
	images, _ := readArchive(t, archive)
	want := []Image{{
		Config:   cfgDgst,
		Layers:   []Layer{{Digest: layerDgst, MediaType: ocispec.MediaTypeImageLayerGzip}},
		RepoTags: []string{"alpine:3.19", "example.com/x/y:z"},
	}}
	if !reflect.DeepEqual(images, want) {
		t.Errorf("Read =\n%+v\nwant\n%+v", images, want)
	}
}

// TestReadSniffsCompression: a docker-archive does not name media types, so a compressed
// layer.tar (which docker load accepts) is recognised by its magic number.
func TestReadSniffsCompression(t *testing.T) {
	layer := gzipped(t, layerTar(t, "f", "x"))
	cfg := configJSON(t, "gz", digest.FromBytes(layerTar(t, "f", "x")))
	archive := buildTar(t,
		entry{name: "l/layer.tar", body: layer},
		entry{name: "c.json", body: cfg},
		entry{name: "manifest.json", body: []byte(`[{"Config":"c.json","Layers":["l/layer.tar"]}]`)},
	)
	images, _ := readArchive(t, archive)
	if len(images) != 1 || len(images[0].Layers) != 1 || images[0].Layers[0].MediaType != MediaTypeDockerLayerGzip {
		t.Errorf("Read = %+v, want one gzip layer", images)
	}
	if images[0].Config != digest.FromBytes(cfg) {
		t.Errorf("config %s, want %s", images[0].Config, digest.FromBytes(cfg))
	}
}

func TestFamiliarTag(t *testing.T) {
	for in, want := range map[string]string{
		"busybox":                          "busybox:latest",
		"docker.io/library/busybox:1.36":   "busybox:1.36",
		"localhost:5000/a/b:v1":            "localhost:5000/a/b:v1",
		"busybox:1@sha256:" + hex64('a'):   "busybox:1",
		"busybox@sha256:" + hex64('a'):     "",
		"Not/Valid":                        "",
		"quay.io/org/img:tag-with.chars_1": "quay.io/org/img:tag-with.chars_1",
	} {
		got, ok := familiarTag(in)
		if got != want || ok != (want != "") {
			t.Errorf("familiarTag(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func hex64(c byte) string {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

// RepoTags entries that Docker's load refuses fail the load with its words.
func TestArchiveTag(t *testing.T) {
	for in, want := range map[string]string{
		"busybox:latest":                   "busybox:latest",
		"docker.io/library/busybox:1.36":   "busybox:1.36",
		"busybox:1@sha256:" + hex64('a'):   "busybox:1",
		"busybox":                          "busybox:latest",
		"busybox@sha256:" + hex64('a'):     `invalid tag "busybox@sha256:` + hex64('a') + `"`,
		"Not/Valid:1":                      "invalid reference format: repository name (Valid) must be lowercase",
		"bad name:1":                       "invalid reference format",
		"quay.io/org/img:tag-with.chars_1": "quay.io/org/img:tag-with.chars_1",
	} {
		got, err := archiveTag(in)
		if err != nil {
			if !errdefs.IsInvalidArgument(err) {
				t.Errorf("archiveTag(%q): %v is not invalid argument", in, err)
			}
			got = err.Error()
		}
		if got != want {
			t.Errorf("archiveTag(%q) = %q, want %q", in, got, want)
		}
	}
}
