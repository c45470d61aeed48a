package integration

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// tarFiles returns the regular files of a tarball by name.
func tarFiles(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatalf("read archive: %v", err)
		}
		if hdr.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			files[strings.TrimPrefix(hdr.Name, "./")] = b
		}
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	d := testutil.StartDaemon(t)
	one := importBusybox(t, d, "save-one:latest")
	two := importBusybox(t, d, "save-two:v2", `CMD ["echo", "two"]`, "ENV TWO=2")
	before := map[string][]string{one: inspect(t, d, one).RootFS.Layers, two: inspect(t, d, two).RootFS.Layers}

	path := filepath.Join(t.TempDir(), "images.tar")
	docker(t, d, "save", "-o", path, "save-one", "save-two:v2")
	archive, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files := tarFiles(t, archive)
	var manifest []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	var tags []string
	for _, m := range manifest {
		tags = append(tags, m.RepoTags...)
		if id := testutil.ImageID(files[m.Config]); id != one && id != two {
			t.Errorf("manifest config %s has digest %s, neither saved image", m.Config, id)
		}
	}
	slices.Sort(tags)
	if len(manifest) != 2 || !reflect.DeepEqual(tags, []string{"save-one:latest", "save-two:v2"}) {
		t.Errorf("manifest.json: %+v", manifest)
	}
	if _, ok := files["index.json"]; ok {
		if _, ok := files["oci-layout"]; !ok {
			t.Error("archive has index.json but no oci-layout")
		}
	}

	docker(t, d, "rmi", "save-one", "save-two:v2")
	out := docker(t, d, "load", "-i", path)
	for _, want := range []string{"Loaded image: save-one:latest", "Loaded image: save-two:v2"} {
		if !strings.Contains(out, want) {
			t.Errorf("docker load: %q lacks %q", out, want)
		}
	}
	checkRestored := func(d *testutil.Daemon) {
		t.Helper()
		for name, id := range map[string]string{"save-one:latest": one, "save-two:v2": two} {
			img := inspect(t, d, name)
			if img.ID != id || !reflect.DeepEqual(img.RootFS.Layers, before[id]) {
				t.Errorf("%s after load: Id %s layers %v; want %s %v", name, img.ID, img.RootFS.Layers, id, before[id])
			}
		}
		if got := listedIDs(listImages(t, d, nil)); len(got) != 2 {
			t.Errorf("after load: %v", got)
		}
	}
	checkRestored(d)

	// The same archive, through the API, into a daemon that never saw them.
	other := testutil.StartDaemon(t)
	lines := loadArchive(t, other, archive)
	if len(lines) == 0 {
		t.Error("load answered no progress lines")
	}
	checkRestored(other)

	// `docker save` to stdout gives a loadable archive as well.
	rc, err := other.Client().ImageSave(t.Context(), []string{"save-two:v2"})
	if err != nil {
		t.Fatal(err)
	}
	single, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	docker(t, d, "rmi", "-f", two)
	loadArchive(t, d, single)
	if inspect(t, d, "save-two:v2").ID != two {
		t.Error("single-image save did not round-trip")
	}
}

// handMadeImages returns two images sharing a base layer, the second with
// a layer of its own.
func handMadeImages(t *testing.T) (testutil.ArchiveImage, testutil.ArchiveImage) {
	base := testutil.BusyboxRootfs(t)
	top := testutil.LayerTar(t, map[string]string{"etc/motd": "hand made\n", "srv/data/a.txt": "a"})
	return testutil.ArchiveImage{Layers: [][]byte{base}, Tags: []string{"hand/base:1"}},
		testutil.ArchiveImage{Layers: [][]byte{base, top}, Config: testutil.ImageConfig([][]byte{base, top}, "cat", "/etc/motd"), Tags: []string{"hand/app:1", "hand/app:latest"}}
}

func checkHandMade(t *testing.T, d *testutil.Daemon, images ...testutil.ArchiveImage) {
	t.Helper()
	for _, img := range images {
		layers := img.Layers
		want := testutil.ImageID(img.Config)
		if img.Config == nil {
			want = testutil.ImageID(testutil.ImageConfig(layers))
		}
		for _, tag := range img.Tags {
			got := inspect(t, d, tag)
			if got.ID != want {
				t.Errorf("%s: Id %s, want the config digest %s", tag, got.ID, want)
			}
			if len(got.RootFS.Layers) != len(layers) {
				t.Fatalf("%s: %d layers, want %d", tag, len(got.RootFS.Layers), len(layers))
			}
			for i, l := range layers {
				if got.RootFS.Layers[i] != testutil.Digest(l) {
					t.Errorf("%s: layer %d is %s, want %s", tag, i, got.RootFS.Layers[i], testutil.Digest(l))
				}
			}
		}
	}
	if n := len(listImages(t, d, nil)); n != len(images) {
		t.Errorf("%d images listed, want %d", n, len(images))
	}
}

func TestLoadDockerArchive(t *testing.T) {
	d := testutil.StartDaemon(t)
	base, app := handMadeImages(t)
	out := strings.Join(loadArchive(t, d, testutil.DockerArchiveOf(t, base, app)), "\n")
	for _, want := range []string{"Loaded image: hand/base:1", "Loaded image: hand/app:1", "Loaded image: hand/app:latest"} {
		if !strings.Contains(out, want) {
			t.Errorf("load output %q lacks %q", out, want)
		}
	}
	checkHandMade(t, d, base, app)
	hist, err := d.Client().ImageHistory(t.Context(), "hand/app:1")
	if err != nil || len(hist.Items) != 2 {
		t.Errorf("history of a two-layer image: %+v, %v", hist.Items, err)
	}
}

func TestLoadOCILayout(t *testing.T) {
	d := testutil.StartDaemon(t)
	base, app := handMadeImages(t)
	path := filepath.Join(t.TempDir(), "oci.tar")
	if err := os.WriteFile(path, testutil.OCIArchive(t, base, app), 0o644); err != nil {
		t.Fatal(err)
	}
	out := docker(t, d, "load", "-i", path)
	if !strings.Contains(out, "hand/app:1") || !strings.Contains(out, "hand/base:1") {
		t.Errorf("docker load of an OCI layout: %q", out)
	}
	checkHandMade(t, d, base, app)
}

func TestLoadUntagged(t *testing.T) {
	d := testutil.StartDaemon(t)
	layer := testutil.LayerTar(t, map[string]string{"x": "y"})
	img := testutil.ArchiveImage{Layers: [][]byte{layer}}
	id := testutil.ImageID(testutil.ImageConfig(img.Layers))
	out := strings.Join(loadArchive(t, d, testutil.DockerArchiveOf(t, img)), "\n")
	if !strings.Contains(out, "Loaded image ID: "+id) {
		t.Errorf("load output %q lacks %q", out, "Loaded image ID: "+id)
	}
	if got := listedIDs(listImages(t, d, make(client.Filters).Add("dangling", "true"))); !reflect.DeepEqual(got, []string{id}) {
		t.Errorf("dangling after loading an untagged image: %v", got)
	}
}
