package integration

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
)

// berth runs the berth CLI against d and fails the test on a non-zero exit.
func berth(t *testing.T, d *testutil.Daemon, args ...string) string {
	t.Helper()
	stdout, stderr, code := testutil.Berth(t, d, args...)
	if code != 0 {
		t.Fatalf("berth %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// TestBerthCommandSet runs the commands docker has that berth lacked:
// search, image build, builder build and prune, system prune.
func TestBerthCommandSet(t *testing.T) {
	index := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"results": []map[string]any{
			{"name": "tools", "description": strings.Repeat("long description ", 5), "star_count": 7, "is_official": true},
		}})
	}))
	defer index.Close()
	host := strings.TrimPrefix(index.URL, "http://")
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)

	got := berth(t, d, "search", host+"/tools")
	lines := nonEmptyLines(got)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "NAME") || !strings.Contains(lines[0], "OFFICIAL") ||
		!strings.Contains(lines[1], "tools") || !strings.Contains(lines[1], "…") || !strings.Contains(lines[1], "[OK]") {
		t.Errorf("berth search:\n%s", got)
	}
	if got := berth(t, d, "search", "--format", "{{.Name}}:{{.StarCount}}", "--filter", "stars=5", host+"/tools"); got != "tools:7\n" {
		t.Errorf("berth search --format: %q", got)
	}
	if docker := docker(t, d, "search", "--format", "{{.Name}}:{{.StarCount}}", host+"/tools"); docker != "tools:7\n" {
		t.Errorf("docker search: %q", docker)
	}

	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nRUN echo built > /b\n"})
	berth(t, d, "image", "build", "-t", "viaimage:1", dir)
	berth(t, d, "builder", "build", "-t", "viabuilder:1", dir)
	if got := docker(t, d, "run", "--rm", "viabuilder:1", "cat", "/b"); got != "built\n" {
		t.Errorf("built image: %q", got)
	}
	if got := berth(t, d, "builder", "du"); !strings.Contains(got, "Reclaimable:") || !strings.Contains(got, "Total:") {
		t.Errorf("builder du: %q", got)
	}
	if got := berth(t, d, "builder", "prune", "-f"); !strings.Contains(got, "Total reclaimed space:") {
		t.Errorf("builder prune: %q", got)
	}
	// After the cache is gone a rebuild runs its step again.
	if out := berth(t, d, "build", dir); !strings.Contains(out, "Running in") {
		t.Errorf("rebuild after builder prune used the cache:\n%s", out)
	}

	docker(t, d, "create", "--name", "stopped", "busybox", "true")
	docker(t, d, "network", "create", "unusednet")
	docker(t, d, "volume", "create")
	got = berth(t, d, "system", "prune", "-f", "--volumes")
	for _, want := range []string{"Deleted Containers:\n", "Deleted Networks:\nunusednet\n", "Deleted Volumes:\n", "Total reclaimed space:"} {
		if !strings.Contains(got, want) {
			t.Errorf("system prune output lacks %q:\n%s", want, got)
		}
	}
	if ps := docker(t, d, "ps", "-aq"); ps != "" {
		t.Errorf("containers after system prune: %q", ps)
	}
	if vols := docker(t, d, "volume", "ls", "-q"); vols != "" {
		t.Errorf("volumes after system prune --volumes: %q", vols)
	}
	if _, err := d.Client().ImageInspect(t.Context(), "viaimage:1"); err != nil {
		t.Errorf("system prune without -a removed a tagged image: %v", err)
	}
}

// TestBerthManifestInspect reads a pushed image's manifest from a registry
// on loopback, as `docker manifest inspect` does, and compares the two.
func TestBerthManifestInspect(t *testing.T) {
	reg := startRegistry(t, registryOptions{})
	d := testutil.StartDaemon(t)
	ref := reg.Host + "/manifest/busybox:1"
	id := importBusybox(t, d, ref, `CMD ["sh"]`)
	if _, err := pushImage(t, d, ref, ""); err != nil {
		t.Fatal(err)
	}
	type manifest struct {
		SchemaVersion int
		MediaType     string
		Config        struct{ Digest string }
		Layers        []struct{ Digest string }
	}
	var ours, theirs manifest
	if err := json.Unmarshal([]byte(berth(t, d, "manifest", "inspect", ref)), &ours); err != nil {
		t.Fatal(err)
	}
	if ours.SchemaVersion != 2 || ours.Config.Digest != id || len(ours.Layers) != 1 {
		t.Errorf("berth manifest inspect: %+v, want schema 2 with config %s and one layer", ours, id)
	}
	if err := json.Unmarshal([]byte(docker(t, d, "manifest", "inspect", "--insecure", ref)), &theirs); err != nil {
		t.Fatal(err)
	}
	if ours.Config.Digest != theirs.Config.Digest || ours.MediaType != theirs.MediaType {
		t.Errorf("berth %+v, docker %+v", ours, theirs)
	}
	if _, stderr, code := testutil.Berth(t, d, "manifest", "inspect", reg.Host+"/manifest/nothere:1"); code == 0 || stderr == "" {
		t.Errorf("manifest inspect of a missing image: exit %d %q", code, stderr)
	}
}
