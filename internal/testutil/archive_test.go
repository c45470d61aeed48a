package testutil

import (
	"archive/tar"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestLayerTarParents(t *testing.T) {
	layer := LayerTar(t, map[string]string{"/a/b/c.txt": "c", "a/d.txt": "d", "e": "e"})
	headers, contents, order := readTar(t, layer)
	want := []string{"a/", "a/b/", "a/b/c.txt", "a/d.txt", "e"}
	if !reflect.DeepEqual(order, want) {
		t.Fatalf("entries %v, want %v", order, want)
	}
	if headers["a/"].Typeflag != tar.TypeDir || string(contents["a/b/c.txt"]) != "c" {
		t.Fatalf("bad entries: %+v %q", headers["a/"], contents["a/b/c.txt"])
	}
	if string(LayerTar(t, map[string]string{"e": "e", "a/d.txt": "d", "a/b/c.txt": "c"})) != string(layer) {
		t.Fatal("LayerTar is not deterministic")
	}
}

func TestImageConfigDiffIDs(t *testing.T) {
	l1 := LayerTar(t, map[string]string{"one": "1"})
	l2 := LayerTar(t, map[string]string{"two": "2"})
	var cfg struct {
		OS     string `json:"os"`
		RootFS struct {
			Type    string   `json:"type"`
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
		Config struct{ Cmd []string }
	}
	if err := json.Unmarshal(ImageConfig([][]byte{l1, l2}, "echo", "hi"), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.OS != "linux" || cfg.RootFS.Type != "layers" ||
		!reflect.DeepEqual(cfg.RootFS.DiffIDs, []string{Digest(l1), Digest(l2)}) ||
		!reflect.DeepEqual(cfg.Config.Cmd, []string{"echo", "hi"}) {
		t.Fatalf("config %+v", cfg)
	}
}

func TestDockerArchiveOf(t *testing.T) {
	shared := LayerTar(t, map[string]string{"base": "b"})
	top := LayerTar(t, map[string]string{"top": "t"})
	one := ArchiveImage{Layers: [][]byte{shared}, Tags: []string{"example/one:latest"}}
	two := ArchiveImage{Layers: [][]byte{shared, top}, Tags: []string{"two:1", "two:2"}}
	headers, contents, _ := readTar(t, DockerArchiveOf(t, one, two))

	var manifest []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(contents["manifest.json"], &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest) != 2 {
		t.Fatalf("manifest has %d entries", len(manifest))
	}
	for i, img := range []ArchiveImage{one, two} {
		m := manifest[i]
		if ImageID(contents[m.Config]) != ImageID(img.config()) {
			t.Errorf("image %d: config %s does not match", i, m.Config)
		}
		if !reflect.DeepEqual(m.RepoTags, img.Tags) || len(m.Layers) != len(img.Layers) {
			t.Errorf("image %d: %+v", i, m)
		}
		for j, l := range m.Layers {
			if Digest(contents[l]) != Digest(img.Layers[j]) {
				t.Errorf("image %d layer %d: %s holds other bytes", i, j, l)
			}
		}
	}
	if manifest[0].Layers[0] != manifest[1].Layers[0] {
		t.Error("shared layer stored twice")
	}
	if _, ok := headers[strings.TrimSuffix(manifest[0].Layers[0], "layer.tar")]; !ok {
		t.Error("layer directory entry missing")
	}
}

func TestOCIArchive(t *testing.T) {
	layer := LayerTar(t, map[string]string{"f": "x"})
	img := ArchiveImage{Layers: [][]byte{layer}, Tags: []string{"busybox", "example.com/a/b:v1"}}
	_, contents, _ := readTar(t, OCIArchive(t, img, ArchiveImage{Layers: [][]byte{layer}, Config: ImageConfig([][]byte{layer}, "true")}))
	if string(contents["oci-layout"]) != `{"imageLayoutVersion":"1.0.0"}` {
		t.Fatalf("oci-layout: %q", contents["oci-layout"])
	}
	if _, ok := contents["manifest.json"]; ok {
		t.Fatal("an OCI layout archive must not carry manifest.json")
	}
	var index struct {
		Manifests []ociDescriptor `json:"manifests"`
	}
	if err := json.Unmarshal(contents["index.json"], &index); err != nil {
		t.Fatal(err)
	}
	if len(index.Manifests) != 3 {
		t.Fatalf("index has %d entries, want 3 (two tags + one untagged)", len(index.Manifests))
	}
	names := []string{index.Manifests[0].Annotations["io.containerd.image.name"], index.Manifests[1].Annotations["io.containerd.image.name"]}
	if !reflect.DeepEqual(names, []string{"docker.io/library/busybox:latest", "example.com/a/b:v1"}) ||
		index.Manifests[1].Annotations["org.opencontainers.image.ref.name"] != "v1" {
		t.Fatalf("annotations: %+v", index.Manifests)
	}
	if index.Manifests[2].Annotations != nil {
		t.Errorf("untagged image annotated: %+v", index.Manifests[2])
	}
	var manifest struct {
		Config ociDescriptor   `json:"config"`
		Layers []ociDescriptor `json:"layers"`
	}
	if err := json.Unmarshal(contents["blobs/sha256/"+hexOf(index.Manifests[0].Digest)], &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Config.Digest != ImageID(img.config()) || len(manifest.Layers) != 1 || manifest.Layers[0].Digest != Digest(layer) {
		t.Fatalf("manifest %+v", manifest)
	}
	for _, d := range append(manifest.Layers, manifest.Config, index.Manifests[0]) {
		if b, ok := contents["blobs/sha256/"+hexOf(d.Digest)]; !ok || Digest(b) != d.Digest || int64(len(b)) != d.Size {
			t.Errorf("blob %s missing or wrong", d.Digest)
		}
	}
}
