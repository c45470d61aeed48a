package integration

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/google/go-containerregistry/pkg/compression"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// randomLayer is a layer holding one file of size random bytes.
func randomLayer(t *testing.T, file string, size int, comp compression.Compression) v1.Layer {
	t.Helper()
	data := make([]byte, size/2)
	_, _ = rand.Read(data)
	tarball := testutil.LayerTar(t, map[string]string{file: hex.EncodeToString(data)})
	l, err := layerFrom(tarball, comp)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func layerFrom(tarData []byte, comp compression.Compression) (v1.Layer, error) {
	opts := []tarball.LayerOption{tarball.WithCompression(comp)}
	if comp == compression.ZStd {
		opts = append(opts, tarball.WithMediaType(types.OCILayerZStd))
	} else {
		opts = append(opts, tarball.WithMediaType(types.OCILayer))
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(tarData)), nil }, opts...)
}

// ociImage is an OCI image for arch made of layers.
func ociImage(t *testing.T, arch string, layers ...v1.Layer) v1.Image {
	t.Helper()
	img, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{OS: "linux", Architecture: arch, RootFS: v1.RootFS{Type: "layers"}})
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.ConfigMediaType(mutate.MediaType(img, types.OCIManifestSchema1), types.OCIConfigJSON)
	if img, err = mutate.AppendLayers(img, layers...); err != nil {
		t.Fatal(err)
	}
	return img
}

// TestRegistryIndexZstd pulls from an OCI index holding an amd64 image of
// gzip and zstd layers and an arm64 one; then a blob corrupted in the
// registry is refused by name.
func TestRegistryIndexZstd(t *testing.T) {
	reg := startRegistry(t, registryOptions{})
	d := testutil.StartDaemon(t)
	layers := []v1.Layer{
		randomLayer(t, "one", 1<<20, compression.GZip),
		randomLayer(t, "two", 1<<20, compression.ZStd),
		randomLayer(t, "three", 1<<20, compression.ZStd),
	}
	amd := ociImage(t, "amd64", layers...)
	arm := ociImage(t, "arm64", randomLayer(t, "arm", 1<<10, compression.GZip))
	idx := mutate.IndexMediaType(mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}},
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
	), types.OCIImageIndex)
	ref := reg.Host + "/multi/img:1"
	tag, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(tag, idx); err != nil {
		t.Fatal(err)
	}
	idxDigest, _ := idx.Digest()

	lines, err := pullImage(t, d, ref, "")
	if err != nil || strings.Count(strings.Join(lines, "\n"), "Pull complete") != 3 {
		t.Fatalf("pull: %v %q", err, lines)
	}
	img := inspect(t, d, ref)
	if img.Architecture != "amd64" || len(img.RootFS.Layers) != 3 {
		t.Errorf("pulled %s with %d layers", img.Architecture, len(img.RootFS.Layers))
	}
	for i, l := range layers {
		if diff, _ := l.DiffID(); i < len(img.RootFS.Layers) && img.RootFS.Layers[i] != diff.String() {
			t.Errorf("layer %d: diff ID %s, want %s", i, img.RootFS.Layers[i], diff)
		}
	}
	if len(img.RepoDigests) != 1 || img.RepoDigests[0] != reg.Host+"/multi/img@"+idxDigest.String() {
		t.Errorf("RepoDigests %v, want the index digest %s", img.RepoDigests, idxDigest)
	}
	rc, err := d.Client().ImagePull(t.Context(), ref, client.ImagePullOptions{Platforms: []ocispec.Platform{{OS: "linux", Architecture: "arm64"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readStream(t, rc)
	rc.Close()
	if img := inspect(t, d, ref); err != nil || img.Architecture != "arm64" {
		t.Errorf("--platform linux/arm64: %v, got %s", err, img.Architecture)
	}

	// Corrupt the top layer in the registry's storage: the pull must fail,
	// name the blob and store nothing.
	removeImage(t, d, inspect(t, d, ref).ID)
	removeImage(t, d, img.ID)
	top, _ := layers[2].Digest()
	p := reg.blobPath(top.String())
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = pullImage(t, d, ref, "")
	if err == nil || !strings.Contains(err.Error(), top.String()) {
		t.Errorf("corrupt blob: %v, want an error naming %s", err, top)
	}
	if n := len(listImages(t, d, client.Filters{})); n != 0 {
		t.Errorf("%d images after a refused pull", n)
	}
}

// TestRegistryTLS pushes and pulls over https with a CA from a certs.d
// directory given in the daemon config; a daemon trusting another CA is
// refused.
func TestRegistryTLS(t *testing.T) {
	dir := t.TempDir()
	ca, cert, key := makeCA(t, dir)
	reg := startRegistry(t, registryOptions{cert: cert, key: key})
	daemonWithCA := func(caFile string) *testutil.Daemon {
		certsD := filepath.Join(t.TempDir(), "certs.d")
		_ = os.MkdirAll(filepath.Join(certsD, reg.Host), 0o755)
		pemData, _ := os.ReadFile(caFile)
		_ = os.WriteFile(filepath.Join(certsD, reg.Host, "ca.crt"), pemData, 0o644)
		cfg, _ := json.Marshal(map[string]any{"registry-certs-dirs": []string{certsD}})
		cfgFile := filepath.Join(t.TempDir(), "daemon.json")
		_ = os.WriteFile(cfgFile, cfg, 0o644)
		return testutil.StartDaemon(t, "--config-file", cfgFile)
	}
	d := daemonWithCA(ca)
	ref := reg.Host + "/secure/busybox:1"
	id := importBusybox(t, d, ref)
	if lines, err := pushImage(t, d, ref, ""); err != nil || !hasLine(lines, "Pushed") {
		t.Fatalf("push over TLS: %v %q", err, lines)
	}
	removeImage(t, d, id)
	if lines, err := pullImage(t, d, ref, ""); err != nil || !hasLine(lines, "Pull complete") {
		t.Fatalf("pull over TLS: %v %q", err, lines)
	}

	otherCA, _, _ := makeCA(t, t.TempDir())
	d2 := daemonWithCA(otherCA)
	if _, err := pullImage(t, d2, ref, ""); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("pull trusting another CA: %v", err)
	}
}
