package image_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/server"
	imagerouter "github.com/berth/berth/internal/server/router/image"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/registry"
)

// fakeBackend knows one image, "localhost:5000/a/b:tag", and records the
// arguments of the last call.
type fakeBackend struct {
	mu      sync.Mutex
	calls   []string
	list    backend.ImageListOptions
	imports backend.ImportOptions
	body    string
	loadErr error
	parent  string
}

const known = "localhost:5000/a/b:tag"

func (f *fakeBackend) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeBackend) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return ""
	}
	return f.calls[len(f.calls)-1]
}

func noSuch(name string) error { return fmt.Errorf("No such image: %s: %w", name, errdefs.ErrNotFound) }

func (f *fakeBackend) Images(_ context.Context, o backend.ImageListOptions) ([]image.Summary, error) {
	f.mu.Lock()
	f.list = o
	f.mu.Unlock()
	return []image.Summary{{ID: "sha256:1", Containers: 2}}, nil
}

func (f *fakeBackend) ImageInspect(_ context.Context, name string, opts backend.ImageInspectOptions) (*backend.ImageInspect, error) {
	if opts.Platform != nil {
		f.record("inspect %s platform=%s/%s", name, opts.Platform.OS, opts.Platform.Architecture)
	} else {
		f.record("inspect %s", name)
	}
	if name != known {
		return nil, noSuch(name)
	}
	return &backend.ImageInspect{InspectResponse: image.InspectResponse{ID: "sha256:1"}, Parent: f.parent}, nil
}

func (f *fakeBackend) ImageHistory(_ context.Context, name string) ([]image.HistoryResponseItem, error) {
	f.record("history %s", name)
	return nil, nil
}

func (f *fakeBackend) TagImage(_ context.Context, name, repo, tag string) error {
	f.record("tag %s %s %s", name, repo, tag)
	return nil
}

func (f *fakeBackend) ImageDelete(_ context.Context, name string, force, prune bool) ([]image.DeleteResponse, error) {
	f.record("delete %s force=%v prune=%v", name, force, prune)
	return []image.DeleteResponse{{Untagged: name}}, nil
}

func (f *fakeBackend) ImagesPrune(_ context.Context, a filters.Args) (*image.PruneReport, error) {
	f.record("prune %v", a.Get("dangling"))
	return &image.PruneReport{SpaceReclaimed: 7}, nil
}

func (f *fakeBackend) ImportImage(_ context.Context, src io.Reader, o backend.ImportOptions) (string, error) {
	b, _ := io.ReadAll(src)
	f.mu.Lock()
	f.imports, f.body = o, string(b)
	f.mu.Unlock()
	return "sha256:feed", nil
}

func (f *fakeBackend) SearchImages(_ context.Context, term string, limit int, a filters.Args) ([]registry.SearchResult, error) {
	f.record("search %s limit=%d official=%v", term, limit, a.Get("is-official"))
	return nil, nil
}

func (f *fakeBackend) OpenImportURL(_ context.Context, src string) (io.ReadCloser, string, error) {
	f.record("fetch %s", src)
	if src == "http://unreachable/x.tar" {
		return nil, "", errors.New("dial tcp: connection refused")
	}
	return io.NopCloser(strings.NewReader("tar from " + src)), src, nil
}

func (f *fakeBackend) LoadImage(_ context.Context, src io.Reader, progress func(string)) error {
	_, _ = io.Copy(io.Discard, src)
	progress("Loaded image: busybox:latest")
	return f.loadErr
}

func (f *fakeBackend) ExportImages(_ context.Context, names []string, w io.Writer) error {
	f.record("export %s", strings.Join(names, ","))
	_, err := io.WriteString(w, "tar:"+strings.Join(names, ","))
	return err
}

func start(t *testing.T) (*httptest.Server, *fakeBackend) {
	t.Helper()
	b := &fakeBackend{}
	s, err := server.New(server.Config{Version: "test"}, imagerouter.NewRouter(b))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, b
}

func do(t *testing.T, ts *httptest.Server, method, path, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestNamesWithSlashes(t *testing.T) {
	ts, b := start(t)
	for path, want := range map[string]string{
		"/v1.50/images/localhost:5000/a/b:tag/json":   "inspect " + known,
		"/images/localhost:5000/a/b:tag/history":      "history " + known,
		"/images/localhost:5000/a/b:tag/get":          "export " + known,
		"/images/get?names=busybox&names=a/b:1":       "export busybox,a/b:1",
		"/images/busybox@sha256:0123/json":            "inspect busybox@sha256:0123",
		"/v1.24/images/localhost:5000/a/b:tag/json":   "inspect " + known,
		"/images/sha256:0123456789abcdef/history?x=1": "history sha256:0123456789abcdef",
	} {
		resp, body := do(t, ts, "GET", path, "")
		if got := b.last(); got != want {
			t.Errorf("%s: backend got %q (status %d, %s), want %q", path, got, resp.StatusCode, body, want)
		}
	}
	resp, body := do(t, ts, "DELETE", "/images/localhost:5000/a/b:tag?force=1&noprune=true", "")
	if resp.StatusCode != 200 || b.last() != "delete "+known+" force=true prune=false" {
		t.Errorf("delete: %d %s; %q", resp.StatusCode, body, b.last())
	}
	resp, _ = do(t, ts, "GET", "/images/localhost:5000/a/b:tag/get", "")
	if resp.Header.Get("Content-Type") != "application/x-tar" {
		t.Errorf("export Content-Type %q", resp.Header.Get("Content-Type"))
	}
}

func TestInspectNotFound(t *testing.T) {
	ts, _ := start(t)
	resp, body := do(t, ts, "GET", "/images/nosuch/json", "")
	if resp.StatusCode != 404 || body != `{"message":"No such image: nosuch: not found"}`+"\n" {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}

func TestListOptions(t *testing.T) {
	ts, b := start(t)
	q := url.Values{"all": {"1"}, "shared-size": {"True"}, "digests": {"0"},
		"filters": {`{"dangling":{"true":true},"label":{"a=b":true}}`}}
	resp, body := do(t, ts, "GET", "/v1.50/images/json?"+q.Encode(), "")
	var got []map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	b.mu.Lock()
	o := b.list
	b.mu.Unlock()
	if !o.All || !o.SharedSize || o.Digests || !o.Filters["dangling"]["true"] || !o.Filters["label"]["a=b"] {
		t.Errorf("options: %+v", o)
	}
	// Before 1.51 Containers was always -1; RepoTags is [] rather than null.
	if got[0]["Containers"] != -1.0 || fmt.Sprint(got[0]["RepoTags"]) != "[]" {
		t.Errorf("summary: %v", got[0])
	}
	// The legacy list form of filters is accepted too.
	_, _ = do(t, ts, "GET", "/images/json?filters="+url.QueryEscape(`{"reference":["busy*"]}`), "")
	b.mu.Lock()
	o = b.list
	b.mu.Unlock()
	if !o.Filters["reference"]["busy*"] || o.All {
		t.Errorf("legacy filters: %+v", o)
	}
	resp, body = do(t, ts, "GET", "/images/json?filters="+url.QueryEscape(`{"bogus":{"x":true}}`), "")
	if resp.StatusCode != 400 || !strings.Contains(body, "invalid filter 'bogus'") {
		t.Errorf("bad filter: %d %s", resp.StatusCode, body)
	}
}

func TestTag(t *testing.T) {
	ts, b := start(t)
	for q, want := range map[string]string{
		"repo=myrepo/x&tag=v1":     "tag busybox myrepo/x v1",
		"repo=myrepo/x:v2":         "tag busybox myrepo/x v2",
		"repo=localhost:5000/a/b":  "tag busybox localhost:5000/a/b latest",
		"repo=docker.io/library/z": "tag busybox z latest",
	} {
		resp, body := do(t, ts, "POST", "/images/busybox/tag?"+q, "")
		if resp.StatusCode != 201 || b.last() != want {
			t.Errorf("%s: %d %s, backend %q", q, resp.StatusCode, body, b.last())
		}
	}
	for _, q := range []string{"", "repo=UPPER", "repo=x&tag=bad:tag", "repo=sha256"} {
		if resp, body := do(t, ts, "POST", "/images/busybox/tag?"+q, ""); resp.StatusCode != 400 {
			t.Errorf("%q: %d %s", q, resp.StatusCode, body)
		}
	}
}

func TestPrune(t *testing.T) {
	ts, b := start(t)
	resp, body := do(t, ts, "POST", "/images/prune?filters="+url.QueryEscape(`{"dangling":{"false":true}}`), "")
	if resp.StatusCode != 200 || !strings.Contains(body, `"SpaceReclaimed":7`) || b.last() != "prune [false]" {
		t.Errorf("%d %s %q", resp.StatusCode, body, b.last())
	}
}

func TestInspectFieldsByVersion(t *testing.T) {
	ts, b := start(t)
	b.parent = "sha256:beef"
	fields := func(path string) map[string]any {
		t.Helper()
		resp, body := do(t, ts, "GET", path, "")
		var got map[string]any
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		return got
	}
	// Below 1.52 Parent, Comment, Author and DockerVersion are always there.
	old := fields("/v1.51/images/" + known + "/json")
	for _, k := range []string{"Parent", "Comment", "Author", "DockerVersion"} {
		if _, ok := old[k]; !ok {
			t.Errorf("v1.51: no %s in %v", k, old)
		}
	}
	if old["Parent"] != "sha256:beef" {
		t.Errorf("v1.51 Parent %v", old["Parent"])
	}
	// From 1.52 Parent only when there is one.
	if got := fields("/v1.52/images/" + known + "/json"); got["Parent"] != "sha256:beef" {
		t.Errorf("v1.52 Parent %v", got["Parent"])
	}
	b.parent = ""
	if got := fields("/v1.52/images/" + known + "/json"); got["Parent"] != nil || got["Comment"] != nil {
		t.Errorf("v1.52 without parent: %v", got)
	}
}

func TestInspectPlatform(t *testing.T) {
	ts, b := start(t)
	p := url.QueryEscape(`{"os":"linux","architecture":"arm64"}`)
	if resp, body := do(t, ts, "GET", "/v1.49/images/"+known+"/json?platform="+p, ""); resp.StatusCode != 200 ||
		b.last() != "inspect "+known+" platform=linux/arm64" {
		t.Errorf("platform: %d %s %q", resp.StatusCode, body, b.last())
	}
	// Before 1.49 the parameter is not read.
	if _, _ = do(t, ts, "GET", "/v1.48/images/"+known+"/json?platform="+p, ""); b.last() != "inspect "+known {
		t.Errorf("v1.48: %q", b.last())
	}
	for q, want := range map[string]string{
		"platform=" + url.QueryEscape(`{"os":"linux"}`):                                    "both OS and Architecture must be provided",
		"platform=" + url.QueryEscape(`{"variant":"v8"}`):                                  "optional platform fields provided, but OS and Architecture are missing",
		"platform=linux/amd64":                                                             "failed to parse platform",
		"manifests=1&platform=" + url.QueryEscape(`{"os":"linux","architecture":"amd64"}`): "conflicting options: manifests and platform options cannot both be set",
	} {
		resp, body := do(t, ts, "GET", "/v1.52/images/"+known+"/json?"+q, "")
		if resp.StatusCode != 400 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %s, want 400 %q", q, resp.StatusCode, body, want)
		}
	}
}

func TestListIdentityNeedsManifests(t *testing.T) {
	ts, _ := start(t)
	resp, body := do(t, ts, "GET", "/v1.54/images/json?identity=1", "")
	if resp.StatusCode != 400 || strings.TrimSpace(body) != `{"message":"conflicting options: identity requires manifests=1"}` {
		t.Errorf("identity alone: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/v1.54/images/json?identity=1&manifests=1", "/v1.53/images/json?identity=1"} {
		if resp, body := do(t, ts, "GET", path, ""); resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
}

func TestImportFromURL(t *testing.T) {
	ts, b := start(t)
	resp, body := do(t, ts, "POST", "/images/create?fromSrc=example.test/x.tar&repo=fromurl", "")
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if resp.StatusCode != 200 || len(lines) != 2 || lines[0] != `{"status":"Downloading from example.test/x.tar"}` {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	b.mu.Lock()
	got, msg := b.body, b.imports.Message
	b.mu.Unlock()
	if got != "tar from example.test/x.tar" || msg != "Imported from example.test/x.tar" {
		t.Errorf("imported %q with message %q", got, msg)
	}
	// A failed fetch is the response's status.
	if resp, body := do(t, ts, "POST", "/images/create?fromSrc=http://unreachable/x.tar", ""); resp.StatusCode != 500 ||
		!strings.Contains(body, "connection refused") {
		t.Errorf("unreachable: %d %s", resp.StatusCode, body)
	}
}

func TestSearchRoute(t *testing.T) {
	ts, b := start(t)
	q := url.Values{"term": {"busybox"}, "limit": {"5"}, "filters": {`{"is-official":{"true":true}}`}}
	resp, body := do(t, ts, "GET", "/images/search?"+q.Encode(), "")
	if resp.StatusCode != 200 || strings.TrimSpace(body) != "[]" || b.last() != "search busybox limit=5 official=[true]" {
		t.Errorf("search: %d %s %q", resp.StatusCode, body, b.last())
	}
	for _, limit := range []string{"x", "-1"} {
		if resp, body := do(t, ts, "GET", "/images/search?term=a&limit="+limit, ""); resp.StatusCode != 400 || !strings.Contains(body, "invalid limit specified") {
			t.Errorf("limit=%s: %d %s", limit, resp.StatusCode, body)
		}
	}
}
