package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/google/go-containerregistry/pkg/compression"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// TestRegistryPullKilled kills berthd in the middle of a pull that goes
// through a slow proxy: after the restart no image, blob or layer tree is
// left, and the next pull completes.
func TestRegistryPullKilled(t *testing.T) {
	reg := startRegistry(t, registryOptions{})
	d := testutil.StartDaemon(t)
	img := ociImage(t, "amd64",
		randomLayer(t, "a", 2<<20, compression.GZip),
		randomLayer(t, "b", 2<<20, compression.GZip),
		randomLayer(t, "c", 2<<20, compression.GZip))
	tag, _ := name.ParseReference(reg.Host+"/slow/img:1", name.Insecure)
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	proxy := slowProxy(t, reg.Host, 512<<10)
	ref := proxy + "/slow/img:1"

	rc, err := d.Client().ImagePull(t.Context(), ref, client.ImagePullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(rc)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("stream ended before any download progress: %v", err)
		}
		if m.Status == "Downloading" && m.Progress != nil && m.Progress.Current > 0 {
			break
		}
	}
	d.Kill()
	rc.Close()
	d.Restart(t)

	if n := len(listImages(t, d, client.Filters{})); n != 0 {
		t.Errorf("%d images after the interrupted pull", n)
	}
	blobs, _ := os.ReadDir(filepath.Join(d.DataRoot, "content", "blobs", "sha256"))
	trees, _ := filepath.Glob(filepath.Join(d.DataRoot, "layers", "*", "info.json"))
	if len(blobs) != 0 || len(trees) != 0 {
		t.Errorf("left behind: %d blobs, %d layer trees", len(blobs), len(trees))
	}
	lines, err := pullImage(t, d, reg.Host+"/slow/img:1", "")
	if err != nil || strings.Count(strings.Join(lines, "\n"), "Pull complete") != 3 {
		t.Fatalf("pull after restart: %v %q", err, lines)
	}
	want, _ := img.ConfigName()
	if got := inspect(t, d, reg.Host+"/slow/img:1").ID; got != want.String() {
		t.Errorf("image %s, want %s", got, want)
	}
}
