package imagearchive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// twoImages stores two images sharing their bottom layer and returns them for export.
func twoImages(t *testing.T, store *memStore) []ExportImage {
	shared := store.put(layerTar(t, "bin/sh", "shell"))
	onlyA := store.put(layerTar(t, "a.txt", "A"))
	onlyB := store.put(layerTar(t, "b.txt", "B"))
	cfgA := store.put(configJSON(t, "a", shared, onlyA))
	cfgB := store.put(configJSON(t, "b", shared, onlyB))
	return []ExportImage{
		{Config: cfgA, Layers: []digest.Digest{shared, onlyA}, RepoTags: []string{"busybox:latest", "localhost:5000/a/b:v1"}},
		{Config: cfgB, Layers: []digest.Digest{shared, onlyB}, RepoTags: []string{"foo"}},
	}
}

func write(t *testing.T, images []ExportImage, p Provider) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, images, p); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func TestWriteLayout(t *testing.T) {
	store := newMemStore()
	images := twoImages(t, store)
	files, hdrs := readTar(t, write(t, images, store))

	// 2 configs + 3 distinct layers + 2 manifests: the shared layer only once.
	blobs := 0
	for _, h := range hdrs {
		if !h.ModTime.Equal(epoch) || h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s: mtime %v uid %d gid %d, want epoch 0:0", h.Name, h.ModTime, h.Uid, h.Gid)
		}
		if want, ok := blobPathDigest(h.Name); ok {
			blobs++
			if got := digest.FromBytes(files[h.Name]); got != want {
				t.Errorf("%s holds content %s", h.Name, got)
			}
		}
	}
	if blobs != 7 {
		t.Errorf("%d blobs written, want 7", blobs)
	}
	for _, img := range images {
		if !bytes.Equal(files[blobPath(img.Config)], store.blobs[img.Config]) {
			t.Errorf("config %s not written verbatim", img.Config)
		}
	}

	var index ocispec.Index
	if err := json.Unmarshal(files["index.json"], &index); err != nil {
		t.Fatal(err)
	}
	var names, refNames []string
	for _, d := range index.Manifests {
		names = append(names, d.Annotations[annotationImageName])
		refNames = append(refNames, d.Annotations[annotationRefName])
		if d.MediaType != ocispec.MediaTypeImageManifest {
			t.Errorf("index entry media type %q", d.MediaType)
		}
	}
	wantNames := []string{"docker.io/library/busybox:latest", "localhost:5000/a/b:v1", "docker.io/library/foo:latest"}
	if !reflect.DeepEqual(names, wantNames) || !reflect.DeepEqual(refNames, []string{"latest", "v1", "latest"}) {
		t.Errorf("index.json names %v ref names %v", names, refNames)
	}

	var items []manifestItem
	if err := json.Unmarshal(files["manifest.json"], &items); err != nil {
		t.Fatal(err)
	}
	wantItem := manifestItem{
		Config:   "blobs/sha256/" + images[0].Config.Encoded(),
		RepoTags: []string{"busybox:latest", "localhost:5000/a/b:v1"},
		Layers:   []string{"blobs/sha256/" + images[0].Layers[0].Encoded(), "blobs/sha256/" + images[0].Layers[1].Encoded()},
	}
	if len(items) != 2 || !reflect.DeepEqual(items[0], wantItem) {
		t.Errorf("manifest.json = %+v, want first item %+v", items, wantItem)
	}

	var repos map[string]map[string]string
	if err := json.Unmarshal(files["repositories"], &repos); err != nil {
		t.Fatal(err)
	}
	wantRepos := map[string]map[string]string{
		"busybox":            {"latest": images[0].Layers[1].Encoded()},
		"localhost:5000/a/b": {"v1": images[0].Layers[1].Encoded()},
		"foo":                {"latest": images[1].Layers[1].Encoded()},
	}
	if !reflect.DeepEqual(repos, wantRepos) {
		t.Errorf("repositories = %v, want %v", repos, wantRepos)
	}
	if string(files["oci-layout"]) != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout = %s", files["oci-layout"])
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	src := newMemStore()
	exported := twoImages(t, src)
	archive := write(t, exported, src)

	check := func(t *testing.T, images []Image, dst *memStore) {
		if len(images) != 2 {
			t.Fatalf("read %d images, want 2", len(images))
		}
		for i, img := range images {
			want := exported[i]
			if img.Config != want.Config {
				t.Errorf("image %d config %s, want %s", i, img.Config, want.Config)
			}
			var layers []digest.Digest
			for _, l := range img.Layers {
				layers = append(layers, l.Digest)
				if l.MediaType != ocispec.MediaTypeImageLayer {
					t.Errorf("layer %s media type %q", l.Digest, l.MediaType)
				}
			}
			if !reflect.DeepEqual(layers, want.Layers) {
				t.Errorf("image %d layers %v, want %v", i, layers, want.Layers)
			}
			for _, d := range append(layers, img.Config) {
				if !bytes.Equal(dst.blobs[d], src.blobs[d]) {
					t.Errorf("blob %s not ingested intact", d)
				}
			}
		}
		if got := images[0].RepoTags; !reflect.DeepEqual(got, []string{"busybox:latest", "localhost:5000/a/b:v1"}) {
			t.Errorf("image 0 tags %v", got)
		}
		if got := images[1].RepoTags; !reflect.DeepEqual(got, []string{"foo:latest"}) {
			t.Errorf("image 1 tags %v", got)
		}
	}

	t.Run("manifest.json", func(t *testing.T) {
		images, dst := readArchive(t, archive)
		check(t, images, dst)
	})
	t.Run("index.json only", func(t *testing.T) {
		// What an OCI-only loader sees of the same archive.
		files, hdrs := readTar(t, archive)
		var entries []entry
		for _, h := range hdrs {
			if h.Name != "manifest.json" && h.Name != "repositories" && h.Typeflag != '5' {
				entries = append(entries, entry{name: h.Name, body: files[h.Name]})
			}
		}
		images, dst := readArchive(t, buildTar(t, entries...))
		check(t, images, dst)
	})
}

func TestWriteReproducible(t *testing.T) {
	store := newMemStore()
	images := twoImages(t, store)
	first := write(t, images, store)
	store.sized = true // the other way of learning a blob's size must not change the bytes
	if second := write(t, images, store); !bytes.Equal(first, second) {
		t.Error("two writes of the same images differ")
	}
}

func TestWriteUntagged(t *testing.T) {
	store := newMemStore()
	images := twoImages(t, store)[:1]
	images[0].RepoTags = nil
	files, _ := readTar(t, write(t, images, store))
	var index ocispec.Index
	if err := json.Unmarshal(files["index.json"], &index); err != nil {
		t.Fatal(err)
	}
	if len(index.Manifests) != 1 || index.Manifests[0].Annotations != nil {
		t.Errorf("index.json of an untagged image: %s", files["index.json"])
	}
	if _, ok := files["repositories"]; ok {
		t.Error("repositories written with no tags")
	}
}

func TestWriteErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		mutate func(*memStore, []ExportImage)
		class  error
	}{
		{"bad tag", func(_ *memStore, im []ExportImage) { im[0].RepoTags = []string{"UPPER:case"} }, errdefs.ErrInvalidArgument},
		{"digest tag", func(_ *memStore, im []ExportImage) {
			im[0].RepoTags = []string{"busybox@sha256:" + im[0].Config.Encoded()}
		}, errdefs.ErrInvalidArgument},
		{"layers differ from config", func(_ *memStore, im []ExportImage) { im[0].Layers = im[0].Layers[:1] }, errdefs.ErrInvalidArgument},
		{"missing layer", func(s *memStore, im []ExportImage) { delete(s.blobs, im[0].Layers[1]) }, errdefs.ErrNotFound},
		{"corrupt layer", func(s *memStore, im []ExportImage) { s.blobs[im[0].Layers[1]] = []byte("not it") }, errdefs.ErrDataLoss},
		{"corrupt config", func(s *memStore, im []ExportImage) { s.blobs[im[1].Config] = []byte("{}") }, errdefs.ErrDataLoss},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newMemStore()
			images := twoImages(t, store)
			tc.mutate(store, images)
			var buf bytes.Buffer
			err := Write(ctx, &buf, images, store)
			if !errors.Is(err, tc.class) {
				t.Errorf("Write: %v, want class %v", err, tc.class)
			}
		})
	}
}
