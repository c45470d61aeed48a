package integration

import (
	"bytes"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

func TestUnknownImage(t *testing.T) {
	d := testutil.StartDaemon(t)
	for _, req := range []struct{ method, path string }{
		{"GET", "/images/nosuch/json"},
		{"GET", "/images/nosuch/history"},
		{"POST", "/images/nosuch/tag?repo=other&tag=x"},
		{"DELETE", "/images/nosuch"},
		{"GET", "/images/nosuch/get"},
		{"GET", "/images/get?names=nosuch"},
	} {
		wantStatus(t, d, req.method, req.path, nil, 404, "No such image: nosuch")
	}
	if _, err := d.Client().ImageInspect(t.Context(), "nosuch"); !cerrdefs.IsNotFound(err) {
		t.Errorf("client inspect: %v, want a not-found error", err)
	}
	if stderr := dockerFails(t, d, "image", "inspect", "nosuch"); !strings.Contains(stderr, "No such image: nosuch") {
		t.Errorf("docker image inspect: %q", stderr)
	}
	if stderr := dockerFails(t, d, "tag", "nosuch", "other"); !strings.Contains(stderr, "No such image: nosuch") {
		t.Errorf("docker tag: %q", stderr)
	}
	// A short ID that matches nothing is unknown too.
	importBusybox(t, d, "known:latest")
	wantStatus(t, d, "GET", "/images/0123456789ab/json", nil, 404, "No such image: 0123456789ab")
}

func TestInvalidReference(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "valid:latest")
	for _, path := range []string{
		"/images/valid/tag?repo=" + url.QueryEscape("UPPERCASE"),
		"/images/" + url.PathEscape("a:b:c") + "/json",
	} {
		method := "POST"
		if strings.HasSuffix(path, "/json") {
			method = "GET"
		}
		wantStatus(t, d, method, path, nil, 400, "invalid reference format")
	}
	wantStatus(t, d, "POST", "/images/create?fromSrc=-&repo="+url.QueryEscape("a:b:c"),
		bytes.NewReader(testutil.LayerTar(t, map[string]string{"f": "x"})), 400, "invalid reference format")
	if n := len(listImages(t, d, nil)); n != 1 {
		t.Errorf("%d images after refused requests, want 1", n)
	}
}

func TestLoadTruncated(t *testing.T) {
	d := testutil.StartDaemon(t)
	base, app := handMadeImages(t)
	archive := testutil.DockerArchiveOf(t, base, app)
	truncated := archive[:len(archive)/2]
	msg := wantLoadError(t, d, truncated, "")
	if !containsAny(strings.ToLower(msg), "eof", "truncated", "tar", "archive", "manifest") {
		t.Errorf("truncated load: message %q does not name the problem", msg)
	}
	if imgs := listImages(t, d, nil); len(imgs) != 0 {
		t.Errorf("a failed load left images: %v", listedIDs(imgs))
	}

	stderr := dockerFails(t, d, "load", "-i", writeTemp(t, truncated))
	if strings.TrimSpace(stderr) == "" {
		t.Error("docker load of a truncated archive printed no error")
	}

	wantLoadError(t, d, []byte("this is not a tarball"), "")
	// A well-formed tar that is no image archive.
	wantLoadError(t, d, testutil.LayerTar(t, map[string]string{"hello": "world"}), "")
	// A manifest naming a layer the archive lacks.
	broken := testutil.DockerArchiveOf(t, testutil.ArchiveImage{Layers: [][]byte{}, Config: testutil.ImageConfig([][]byte{testutil.BusyboxRootfs(t)}), Tags: []string{"broken:1"}})
	wantLoadError(t, d, broken, "")
	if imgs := listImages(t, d, nil); len(imgs) != 0 {
		t.Errorf("failed loads left images: %v", listedIDs(imgs))
	}
	// The daemon is still fine.
	base2 := testutil.DockerArchiveOf(t, base)
	loadArchive(t, d, base2)
	if _, err := d.Client().ImageInspect(t.Context(), "hand/base:1"); err != nil {
		t.Errorf("load after failures: %v", err)
	}
}

func TestTagRefusesDigest(t *testing.T) {
	// The Go client validates references itself; a raw request that
	// bypasses it must not name an image after a digest either.
	d := testutil.StartDaemon(t)
	id := importBusybox(t, d, "src:latest")
	wantStatus(t, d, "POST", "/images/src/tag?repo="+url.QueryEscape("dst@"+id), nil, 400, "")
	if _, err := d.Client().ImageTag(t.Context(), client.ImageTagOptions{Source: "src", Target: "dst@" + id}); err == nil {
		t.Error("client accepted a digest tag")
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "*.tar")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}
