package integration

import (
	"bytes"
	"compress/gzip"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
)

// changes is every Dockerfile instruction import accepts that the tests
// check in the resulting config.
var changes = []string{
	`CMD ["/bin/sh", "-c", "echo hi"]`,
	`ENV FOO=bar`,
	`WORKDIR /tmp`,
	`LABEL org.example.kind=test`,
	`EXPOSE 8080`,
}

// checkImported checks what any import of the busybox fixture with the
// changes above must give.
func checkImported(t *testing.T, img image.InspectResponse, id, tag string) {
	t.Helper()
	rootfs := testutil.BusyboxRootfs(t)
	if img.ID != id {
		t.Errorf("Id %s, want %s", img.ID, id)
	}
	if !reflect.DeepEqual(img.RepoTags, []string{tag}) {
		t.Errorf("RepoTags %v, want [%s]", img.RepoTags, tag)
	}
	if img.RootFS.Type != "layers" || len(img.RootFS.Layers) != 1 {
		t.Fatalf("RootFS %+v, want one layer", img.RootFS)
	}
	// The layer's diff ID is the digest of the uncompressed tar as sent,
	// which is what lets `save` hand back the same bytes.
	if img.RootFS.Layers[0] != testutil.Digest(rootfs) {
		t.Errorf("layer %s, want digest of the imported tar %s", img.RootFS.Layers[0], testutil.Digest(rootfs))
	}
	busybox, _ := os.Stat(testutil.BusyboxPath)
	if img.Size < busybox.Size() {
		t.Errorf("Size %d, want at least the busybox binary's %d", img.Size, busybox.Size())
	}
	created, err := time.Parse(time.RFC3339Nano, img.Created)
	if err != nil || time.Since(created) > 10*time.Minute || time.Until(created) > time.Minute {
		t.Errorf("Created %q: want a recent RFC 3339 time (%v)", img.Created, err)
	}
	if img.Os != "linux" || img.Architecture != runtime.GOARCH {
		t.Errorf("Os/Architecture %s/%s", img.Os, img.Architecture)
	}
	if img.Config == nil {
		t.Fatal("Config is nil")
	}
	cfg := img.Config
	if !reflect.DeepEqual(cfg.Cmd, []string{"/bin/sh", "-c", "echo hi"}) {
		t.Errorf("Cmd %q", cfg.Cmd)
	}
	if !slices.Contains(cfg.Env, "FOO=bar") {
		t.Errorf("Env %q lacks FOO=bar", cfg.Env)
	}
	if cfg.WorkingDir != "/tmp" {
		t.Errorf("WorkingDir %q", cfg.WorkingDir)
	}
	if cfg.Labels["org.example.kind"] != "test" {
		t.Errorf("Labels %v", cfg.Labels)
	}
	if _, ok := cfg.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("ExposedPorts %v lacks 8080/tcp", cfg.ExposedPorts)
	}
}

func TestImportFileWithChanges(t *testing.T) {
	d := testutil.StartDaemon(t)
	args := []string{"import", "-m", "from a file"}
	for _, c := range changes {
		args = append(args, "--change", c)
	}
	out := docker(t, d, append(args, testutil.BusyboxRootfsFile(t), "imp:file")...)
	id := strings.TrimSpace(out)
	if !strings.HasPrefix(id, "sha256:") {
		t.Fatalf("docker import printed %q, want the image ID", out)
	}
	img := inspect(t, d, "imp:file")
	checkImported(t, img, id, "imp:file")
	if img.Comment != "from a file" {
		t.Errorf("Comment %q", img.Comment)
	}
	// Inspect by ID and short ID gives the same image.
	for _, name := range []string{id, shortID(id)} {
		if got := inspect(t, d, name).ID; got != id {
			t.Errorf("inspect %s: Id %s", name, got)
		}
	}
}

func TestImportStdin(t *testing.T) {
	d := testutil.StartDaemon(t)
	args := []string{"import"}
	for _, c := range changes {
		args = append(args, "-c", c)
	}
	stdout, stderr, code := testutil.DockerStdin(t, d, bytes.NewReader(testutil.BusyboxRootfs(t)), append(args, "-", "imp")...)
	if code != 0 {
		t.Fatalf("docker import -: exit %d: %s", code, stderr)
	}
	checkImported(t, inspect(t, d, "imp"), strings.TrimSpace(stdout), "imp:latest")

	// Through the Go client, with the tag given apart from the repository.
	id := importRootfs(t, d, testutil.BusyboxRootfs(t), "imp", client.ImageImportOptions{Tag: "api", Changes: changes})
	checkImported(t, inspect(t, d, "imp:api"), id, "imp:api")
}

func TestImportGzip(t *testing.T) {
	d := testutil.StartDaemon(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(testutil.BusyboxRootfs(t)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	id := importRootfs(t, d, gz.Bytes(), "gz:latest", client.ImageImportOptions{})
	img := inspect(t, d, id)
	if len(img.RootFS.Layers) != 1 || img.RootFS.Layers[0] != testutil.Digest(testutil.BusyboxRootfs(t)) {
		t.Errorf("compressed import: layers %v, want the digest of the uncompressed tar", img.RootFS.Layers)
	}
}

func TestImportUntagged(t *testing.T) {
	d := testutil.StartDaemon(t)
	id := strings.TrimSpace(docker(t, d, "import", testutil.BusyboxRootfsFile(t)))
	img := inspect(t, d, id)
	if len(img.RepoTags) != 0 {
		t.Errorf("untagged import has RepoTags %v", img.RepoTags)
	}
	if got := listedIDs(listImages(t, d, make(client.Filters).Add("dangling", "true"))); !reflect.DeepEqual(got, []string{id}) {
		t.Errorf("dangling images %v, want [%s]", got, id)
	}
}

func TestImportBadChange(t *testing.T) {
	d := testutil.StartDaemon(t)
	// RUN cannot be applied without running a container. The body is
	// small: a daemon may answer before reading it.
	small := testutil.LayerTar(t, map[string]string{"f": "x"})
	wantStatus(t, d, "POST", "/images/create?fromSrc=-&repo=bad&changes=RUN+echo", bytes.NewReader(small), 400, "RUN")
	if imgs := listImages(t, d, nil); len(imgs) != 0 {
		t.Errorf("a refused import left images: %v", listedIDs(imgs))
	}
}

func TestHistory(t *testing.T) {
	d := testutil.StartDaemon(t)
	id := importRootfs(t, d, testutil.BusyboxRootfs(t), "hist:latest", client.ImageImportOptions{Message: "imported for history"})
	res, err := d.Client().ImageHistory(t.Context(), "hist:latest")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 {
		t.Fatalf("history has %d entries, want 1: %+v", len(res.Items), res.Items)
	}
	h := res.Items[0]
	if h.ID != id || h.Size <= 0 || h.Comment != "imported for history" || h.Created == 0 {
		t.Errorf("history entry %+v", h)
	}
	if !slices.Contains(h.Tags, "hist:latest") {
		t.Errorf("history Tags %v lack hist:latest", h.Tags)
	}
	lines := nonEmptyLines(docker(t, d, "history", "hist"))
	if len(lines) != 2 || !strings.HasPrefix(lines[1], shortID(id)) {
		t.Errorf("docker history:\n%s", strings.Join(lines, "\n"))
	}
}
