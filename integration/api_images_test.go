package integration

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// TestUntagLastTagTakesDigests checks that removing a repository's last tag
// removes that repository's digest references too, as Docker does: an image
// pulled by tag and then untagged is deleted, and one that keeps a name in
// another repository no longer lists the untagged repository's digest.
func TestUntagLastTagTakesDigests(t *testing.T) {
	reg := startRegistry(t, registryOptions{})
	d := testutil.StartDaemon(t)
	ref := reg.Host + "/fidelity/busybox:1"
	id := importBusybox(t, d, ref, `CMD ["sh"]`)
	if _, err := pushImage(t, d, ref, ""); err != nil {
		t.Fatal(err)
	}
	removeImage(t, d, id)
	if _, err := pullImage(t, d, ref, ""); err != nil {
		t.Fatal(err)
	}
	if digests := inspect(t, d, ref).RepoDigests; len(digests) != 1 {
		t.Fatalf("pulled image's RepoDigests %v, want one", digests)
	}
	res, err := d.Client().ImageRemove(t.Context(), ref, client.ImageRemoveOptions{PruneChildren: true})
	if err != nil {
		t.Fatal(err)
	}
	var untagged, deleted []string
	for _, r := range res.Items {
		if r.Untagged != "" {
			untagged = append(untagged, r.Untagged)
		}
		if r.Deleted != "" {
			deleted = append(deleted, r.Deleted)
		}
	}
	if len(untagged) != 2 || !slices.Contains(deleted, id) {
		t.Errorf("rmi %s: untagged %v deleted %v; want the tag and the digest untagged and %s deleted", ref, untagged, deleted, id)
	}
	if imgs := listImages(t, d, nil); len(imgs) != 0 {
		t.Errorf("images left after removing the only tag: %+v", imgs)
	}

	// With a tag in another repository the image stays, without the
	// digest of the repository whose last tag went.
	if _, err := pullImage(t, d, ref, ""); err != nil {
		t.Fatal(err)
	}
	docker(t, d, "tag", ref, "elsewhere:1")
	docker(t, d, "rmi", ref)
	img := inspect(t, d, "elsewhere:1")
	if img.ID != id || !slices.Equal(img.RepoTags, []string{"elsewhere:1"}) || len(img.RepoDigests) != 0 {
		t.Errorf("after rmi %s: %s tags %v digests %v; want only elsewhere:1", ref, img.ID, img.RepoTags, img.RepoDigests)
	}
	if out := docker(t, d, "images", "--format", "{{.Repository}}:{{.Tag}}"); strings.TrimSpace(out) != "elsewhere:1" {
		t.Errorf("docker images: %q, want only elsewhere:1", out)
	}
}

// rawJSON sends a GET and decodes an object answer.
func rawJSON(t *testing.T, d *testutil.Daemon, path string) (int, map[string]any) {
	t.Helper()
	code, _, body := raw(t, d, "GET", path, nil)
	var out map[string]any
	if code == 200 {
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("GET %s: %v (%q)", path, err, body)
		}
	}
	return code, out
}

func TestImageInspectParentAndPlatform(t *testing.T) {
	d := testutil.StartDaemon(t)
	base := importBusybox(t, d, "base:1", `CMD ["sh"]`)
	docker(t, d, "create", "--name", "tocommit", "base:1")
	docker(t, d, "commit", "tocommit", "committed:1")

	// Below 1.52 Parent, Comment, Author and DockerVersion are always there.
	_, old := rawJSON(t, d, "/v1.51/images/committed:1/json")
	if old["Parent"] != base {
		t.Errorf("v1.51 Parent %v, want %s", old["Parent"], base)
	}
	for _, k := range []string{"Comment", "Author", "DockerVersion"} {
		if _, ok := old[k]; !ok {
			t.Errorf("v1.51 inspect lacks %s", k)
		}
	}
	_, oldBase := rawJSON(t, d, "/v1.51/images/base:1/json")
	if v, ok := oldBase["Parent"]; !ok || v != "" {
		t.Errorf("v1.51 Parent of an import: %v %v, want \"\"", v, ok)
	}
	// From 1.52 only when there is a parent.
	if _, cur := rawJSON(t, d, "/v1.52/images/committed:1/json"); cur["Parent"] != base {
		t.Errorf("v1.52 Parent %v, want %s", cur["Parent"], base)
	}
	if _, cur := rawJSON(t, d, "/v1.52/images/base:1/json"); cur["Parent"] != nil {
		t.Errorf("v1.52 Parent of an import: %v, want none", cur["Parent"])
	}

	// ?platform= (1.49) must match the image's.
	plat := func(s string) string { return url.QueryEscape(s) }
	if code, _ := rawJSON(t, d, "/v1.49/images/base:1/json?platform="+plat(`{"os":"linux","architecture":"amd64"}`)); code != 200 {
		t.Errorf("matching platform: %d", code)
	}
	wantStatus(t, d, "GET", "/v1.49/images/base:1/json?platform="+plat(`{"os":"linux","architecture":"arm64"}`), nil, 404,
		"image with reference base:1 was found but its platform (linux/amd64) does not match the specified platform (linux/arm64)")
	wantStatus(t, d, "GET", "/v1.49/images/base:1/json?platform="+plat(`{"os":"linux"}`), nil, 400, "both OS and Architecture must be provided")
	if res, err := d.Client().ImageInspect(t.Context(), "base:1", client.ImageInspectWithPlatform(&ocispec.Platform{OS: "linux", Architecture: "arm64"})); err == nil {
		t.Errorf("Go client inspect for linux/arm64: %s, want not found", res.ID)
	}
}

func TestImageListFidelity(t *testing.T) {
	d := testutil.StartDaemon(t)
	id := importBusybox(t, d, "busybox:1")
	for _, p := range []string{"docker.io/library/busybox", "docker.io/library/busybox:1", "docker.io/library/busy*"} {
		if got := listedIDs(listImages(t, d, client.Filters{}.Add("reference", p))); !slices.Equal(got, []string{id}) {
			t.Errorf("reference=%s: %v, want %s", p, got, id)
		}
	}
	// Several until values: all must hold.
	if got := listImages(t, d, client.Filters{}.Add("until", "2099-01-01", "1h")); len(got) != 0 {
		t.Errorf("until=2099-01-01,1h: %v, want none", listedIDs(got))
	}
	if got := listImages(t, d, client.Filters{}.Add("until", "2099-01-01", "2098-01-01")); len(got) != 1 {
		t.Errorf("until in the future twice: %v, want the image", listedIDs(got))
	}
	wantStatus(t, d, "GET", "/v1.54/images/json?identity=1", nil, 400, "conflicting options: identity requires manifests=1")
	if code, _, body := raw(t, d, "GET", "/v1.54/images/json?identity=1&manifests=1", nil); code != 200 {
		t.Errorf("identity with manifests: %d %s", code, body)
	}
}

// TestImageSearch serves a v1 search index on loopback, as a registry's,
// and asks the daemon to search it through the API and the docker CLI;
// Docker Hub, unreachable here, fails as Docker does offline.
func TestImageSearch(t *testing.T) {
	index := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/search" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query().Get("q")
		_ = json.NewEncoder(w).Encode(map[string]any{"query": q, "results": []map[string]any{
			{"name": q, "description": "the real one", "star_count": 10, "is_official": true, "is_automated": true},
			{"name": "someone/" + q, "description": "a copy", "star_count": 1},
		}})
	}))
	defer index.Close()
	host := strings.TrimPrefix(index.URL, "http://")
	d := testutil.StartDaemon(t)

	res, err := d.Client().ImageSearch(t.Context(), host+"/busybox", client.ImageSearchOptions{})
	if err != nil || len(res.Items) != 2 || res.Items[0].Name != "busybox" || res.Items[0].IsAutomated || !res.Items[0].IsOfficial {
		t.Fatalf("search: %v %+v", err, res)
	}
	res, err = d.Client().ImageSearch(t.Context(), host+"/busybox", client.ImageSearchOptions{Filters: client.Filters{}.Add("stars", "5")})
	if err != nil || len(res.Items) != 1 || res.Items[0].StarCount != 10 {
		t.Errorf("stars=5: %v %+v", err, res)
	}
	out := docker(t, d, "search", "--filter", "is-official=false", "--format", "{{.Name}} {{.StarCount}}", host+"/busybox")
	if strings.TrimSpace(out) != "someone/busybox 1" {
		t.Errorf("docker search is-official=false: %q", out)
	}
	wantStatus(t, d, "GET", "/images/search?term=busybox&limit=x", nil, 400, "invalid limit specified")
	wantStatus(t, d, "GET", "/images/search?term=busybox&limit=101", nil, 400, "limit 101 is outside the range of [1, 100]")
	wantStatus(t, d, "GET", "/images/search?term=busybox&filters="+url.QueryEscape(`{"stars":{"x":true}}`), nil, 400, "invalid filter 'stars=x'")
	// No registry is reachable here: Docker answers 500 with the
	// transport's error, never 405 or an empty list.
	wantStatus(t, d, "GET", "/images/search?term=busybox", nil, 500, "index.docker.io")
}

func TestImportFromURLAndPlatform(t *testing.T) {
	rootfs := testutil.BusyboxRootfs(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/rootfs.tar" {
			http.Error(w, "nothing here", http.StatusNotFound)
			return
		}
		_, _ = w.Write(rootfs)
	}))
	defer srv.Close()
	d := testutil.StartDaemon(t)

	rc, err := d.Client().ImageImport(t.Context(), client.ImageImportSource{SourceName: srv.URL + "/rootfs.tar"}, "fromurl:1", client.ImageImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lines, err := readStream(t, rc)
	rc.Close()
	if err != nil || !hasLine(lines, "Downloading from "+srv.URL+"/rootfs.tar") {
		t.Fatalf("import from URL: %v %q", err, lines)
	}
	img := inspect(t, d, "fromurl:1")
	if len(img.RootFS.Layers) != 1 || img.RootFS.Layers[0] != testutil.Digest(rootfs) {
		t.Errorf("imported layers %v, want the served tar's digest", img.RootFS.Layers)
	}
	// The docker CLI sends the URL the same way.
	docker(t, d, "import", srv.URL+"/rootfs.tar", "fromurl:2")
	if got := inspect(t, d, "fromurl:2").RootFS.Layers; !slices.Equal(got, img.RootFS.Layers) {
		t.Errorf("docker import URL: layers %v, want %v", got, img.RootFS.Layers)
	}
	// Without a scheme the source is fetched over http.
	code, _, body := raw(t, d, "POST", "/images/create?repo=fromurl&tag=3&fromSrc="+url.QueryEscape(strings.TrimPrefix(srv.URL, "http://")+"/rootfs.tar"), nil)
	if code != 200 || !strings.Contains(string(body), "Downloading from "+srv.URL+"/rootfs.tar") {
		t.Errorf("import without a scheme: %d %s", code, body)
	}
	wantStatus(t, d, "POST", "/images/create?fromSrc="+url.QueryEscape(srv.URL+"/missing.tar"), nil, 404,
		"failed to GET "+srv.URL+"/missing.tar with status 404 Not Found: nothing here")
	wantStatus(t, d, "POST", "/images/create?fromSrc="+url.QueryEscape("http://127.0.0.1:1/x.tar"), nil, 500, "connection refused")

	// Another architecture of this OS is stored as given; another OS is not.
	id := importRootfs(t, d, rootfs, "sparc:1", client.ImageImportOptions{Platform: ocispec.Platform{OS: "linux", Architecture: "sparc64"}})
	if got := inspect(t, d, id); got.Os != "linux" || got.Architecture != "sparc64" {
		t.Errorf("linux/sparc64 import: %s/%s", got.Os, got.Architecture)
	}
	// (Refused before the body is read: a small one, so the send completes.)
	wantStatus(t, d, "POST", "/images/create?fromSrc=-&platform=windows/amd64", strings.NewReader("x"), 400, "operating system is not supported")
	wantStatus(t, d, "POST", "/images/create?fromSrc=-&platform=a/b/c/d", strings.NewReader("x"), 400, `"a/b/c/d": cannot parse platform specifier`)
	if _, err := d.Client().ImageInspect(t.Context(), "sparc:1"); err != nil {
		t.Error(err)
	}
}

// wantLoadError posts an archive to /images/load and checks Docker's answer
// to a bad one: status 200, the error in the stream's last message (both
// errorDetail and error), naming want. It returns the message.
func wantLoadError(t *testing.T, d *testutil.Daemon, archive []byte, want string) string {
	t.Helper()
	code, header, body := raw(t, d, "POST", "/images/load?quiet=1", bytes.NewReader(archive))
	if code != http.StatusOK || !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		t.Fatalf("load: status %d %q, want 200 application/json (body %q)", code, header.Get("Content-Type"), body)
	}
	lines := nonEmptyLines(string(body))
	var last struct {
		Error       string `json:"error"`
		ErrorDetail struct {
			Message string `json:"message"`
		} `json:"errorDetail"`
	}
	if len(lines) == 0 || json.Unmarshal([]byte(lines[len(lines)-1]), &last) != nil || last.ErrorDetail.Message == "" || last.Error != last.ErrorDetail.Message {
		t.Fatalf("load: no error message at the stream's end: %q", body)
	}
	if !strings.Contains(last.ErrorDetail.Message, want) {
		t.Errorf("load: error %q does not contain %q", last.ErrorDetail.Message, want)
	}
	return last.ErrorDetail.Message
}

// topLayerNames saves an image and lists the entries of its top layer.
func topLayerNames(t *testing.T, d *testutil.Daemon, ref string) []string {
	t.Helper()
	rc, err := d.Client().ImageSave(t.Context(), []string{ref})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	files := map[string][]byte{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		files[h.Name] = b
	}
	var manifest []struct{ Layers []string }
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 || len(manifest[0].Layers) == 0 {
		t.Fatalf("manifest.json of %s: %v %s", ref, err, files["manifest.json"])
	}
	layers := manifest[0].Layers
	var names []string
	lr := tar.NewReader(bytes.NewReader(files[layers[len(layers)-1]]))
	for {
		h, err := lr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}

// TestLayersOnlyWhatChanged checks that committing or building over a
// container that changed nothing gives an empty layer: the mount targets
// the runtime made for the managed /etc files (and etc/ copied up around
// them) are not the container's changes, as Docker keeps them apart.
func TestLayersOnlyWhatChanged(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "lay:1", `CMD ["sh"]`)
	docker(t, d, "run", "--name", "unchanged", "lay:1", "true")
	docker(t, d, "commit", "unchanged", "lay:committed")
	// An empty diff adds no layer (Docker marks the history entry empty).
	base := len(inspect(t, d, "lay:1").RootFS.Layers)
	if n := len(inspect(t, d, "lay:committed").RootFS.Layers); n != base {
		t.Errorf("commit of a container that changed nothing added a layer: %q", topLayerNames(t, d, "lay:committed"))
	}
	docker(t, d, "run", "--name", "changed", "lay:1", "sh", "-c", "echo hi > /etc/motd")
	docker(t, d, "commit", "changed", "lay:changed")
	if names := topLayerNames(t, d, "lay:changed"); !slices.Equal(names, []string{"etc/", "etc/motd"}) {
		t.Errorf("committed layer: %q, want etc/ and etc/motd", names)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM lay:1\nRUN true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := classicBuild(t, d, "-t", "lay:built", dir); code != 0 {
		t.Fatalf("build: %d %s %s", code, out, stderr)
	}
	if n := len(inspect(t, d, "lay:built").RootFS.Layers); n != base {
		t.Errorf("RUN true added a layer: %q", topLayerNames(t, d, "lay:built"))
	}
}

// TestCommitPauseWhileExiting commits, with pause (the default), containers
// caught as their process ends: Docker ignores a pause that fails there and
// commits what the container changed, so every commit must succeed.
func TestCommitPauseWhileExiting(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "exiting:1", `CMD ["sh"]`)
	c := d.Client()
	for i := range 15 {
		name := "exiting" + string(rune('a'+i))
		docker(t, d, "create", "--name", name, "exiting:1", "sh", "-c", "echo x > /f")
		if _, err := c.ContainerStart(t.Context(), name, client.ContainerStartOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ContainerCommit(t.Context(), name, client.ContainerCommitOptions{Reference: "exiting:" + name}); err != nil {
			t.Fatalf("commit %s with pause as it exits: %v", name, err)
		}
	}
}
