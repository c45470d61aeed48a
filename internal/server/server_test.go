package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
)

// testRouter is a router whose routes record what the server handed them.
type testRouter struct {
	gotVersion string
	gotName    string
}

func (t *testRouter) Routes() []router.Route {
	return []router.Route{
		router.Get("/probe", func(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
			t.gotVersion = VersionFromContext(ctx)
			return router.WriteJSON(w, http.StatusOK, map[string]string{"version": vars["version"]})
		}),
		router.Get("/things/{name:.*}/json", func(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
			t.gotName = vars["name"]
			return nil
		}),
		router.Get("/fail/{kind}", func(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
			return classes[vars["kind"]]
		}),
		router.Get("/late-failure", func(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
			_, _ = w.Write([]byte("partial"))
			return errdefs.ErrNotFound
		}),
	}
}

var classes = map[string]error{
	"notfound":    fmt.Errorf("No such image: x: %w", errdefs.ErrNotFound),
	"invalid":     errdefs.ErrInvalidArgument.WithMessage("bad"),
	"conflict":    fmt.Errorf("in use: %w", errdefs.ErrConflict),
	"unavailable": fmt.Errorf("down: %w", errdefs.ErrUnavailable),
	"forbidden":   fmt.Errorf("no: %w", errdefs.ErrPermissionDenied),
	"unauth":      fmt.Errorf("who: %w", errdefs.ErrUnauthenticated),
	"notimpl":     fmt.Errorf("later: %w", errdefs.ErrNotImplemented),
	"plain":       errors.New("boom"),
}

func newTestServer(t *testing.T) (*httptest.Server, *testRouter) {
	t.Helper()
	tr := &testRouter{}
	s, err := New(Config{Version: "0.1.0"}, tr)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, tr
}

// get fetches path and decodes a JSON error body's message, if any.
func get(t *testing.T, ts *httptest.Server, method, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e struct{ Message string }
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatalf("%s %s: error body %q is not JSON: %v", method, path, body, err)
		}
		return resp, e.Message
	}
	return resp, string(body)
}

func TestVersionPrefix(t *testing.T) {
	ts, tr := newTestServer(t)
	for path, want := range map[string]string{
		"/probe":       DefaultAPIVersion,
		"/v1.24/probe": "1.24",
		"/v1.50/probe": "1.50",
		"/v1.56/probe": "1.56",
	} {
		resp, _ := get(t, ts, "GET", path)
		if resp.StatusCode != 200 || tr.gotVersion != want {
			t.Errorf("%s: status %d, version %q; want 200, %q", path, resp.StatusCode, tr.gotVersion, want)
		}
		if got := resp.Header.Get("Server"); got != "Berth/0.1.0 (linux)" {
			t.Errorf("%s: Server header %q", path, got)
		}
		if got := resp.Header.Get("Api-Version"); got != "1.56" {
			t.Errorf("%s: Api-Version header %q", path, got)
		}
	}
}

func TestVersionRejected(t *testing.T) {
	ts, _ := newTestServer(t)
	for path, want := range map[string]string{
		"/v1.12/probe": "client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version",
		"/v1.9/probe":  "client version 1.9 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version",
		"/v1.99/probe": "client version 1.99 is too new. Maximum supported API version is 1.56",
		"/v2.0/probe":  "client version 2.0 is too new. Maximum supported API version is 1.56",
	} {
		resp, msg := get(t, ts, "GET", path)
		if resp.StatusCode != http.StatusBadRequest || msg != want {
			t.Errorf("%s: %d %q; want 400 %q", path, resp.StatusCode, msg, want)
		}
	}
}

func TestNotFoundAndMethod(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, path := range []string{"/nope", "/v1.50/nope", "/v1.50", "/"} {
		resp, msg := get(t, ts, "GET", path)
		if resp.StatusCode != 404 || msg != "page not found" {
			t.Errorf("GET %s: %d %q", path, resp.StatusCode, msg)
		}
		if resp.Header.Get("Api-Version") == "" {
			t.Errorf("GET %s: no Api-Version header", path)
		}
	}
	resp, msg := get(t, ts, "DELETE", "/v1.50/probe")
	if resp.StatusCode != http.StatusMethodNotAllowed || msg == "" || resp.Header.Get("Allow") != "GET" {
		t.Errorf("DELETE /probe: %d %q Allow=%q", resp.StatusCode, msg, resp.Header.Get("Allow"))
	}
}

func TestNamesWithSlashes(t *testing.T) {
	ts, tr := newTestServer(t)
	for path, want := range map[string]string{
		"/things/busybox/json":                      "busybox",
		"/v1.50/things/localhost:5000/a/b:tag/json": "localhost:5000/a/b:tag",
		"/things/a/json/json":                       "a/json",
		"/things/busybox@sha256:abcd/json":          "busybox@sha256:abcd",
	} {
		tr.gotName = ""
		resp, _ := get(t, ts, "GET", path)
		if resp.StatusCode != 200 || tr.gotName != want {
			t.Errorf("%s: %d name %q; want %q", path, resp.StatusCode, tr.gotName, want)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	ts, _ := newTestServer(t)
	want := map[string]int{
		"notfound": 404, "invalid": 400, "conflict": 409, "unavailable": 503,
		"forbidden": 403, "unauth": 401, "notimpl": 501, "plain": 500,
	}
	for kind, status := range want {
		resp, msg := get(t, ts, "GET", "/fail/"+kind)
		if resp.StatusCode != status || msg != classes[kind].Error() {
			t.Errorf("%s: %d %q; want %d %q", kind, resp.StatusCode, msg, status, classes[kind].Error())
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", kind, ct)
		}
	}
}

// An error after the response started must not be appended to the body.
func TestLateFailureKeepsStatus(t *testing.T) {
	ts, _ := newTestServer(t)
	resp, body := get(t, ts, "GET", "/late-failure")
	if resp.StatusCode != 200 || body != "partial" {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
}

func TestShutdownEndsStreams(t *testing.T) {
	started := make(chan struct{})
	stream := router.Get("/stream", func(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
		w.WriteHeader(200)
		_ = http.NewResponseController(w).Flush()
		close(started)
		select {
		case <-router.Closing(ctx):
		case <-ctx.Done():
		}
		return nil
	})
	s, err := New(Config{}, routes{stream})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	l := ts.Listener
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	resp, err := http.Get("http://" + l.Addr().String() + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

type routes []router.Route

func (r routes) Routes() []router.Route { return r }

func TestBadPattern(t *testing.T) {
	if _, err := New(Config{}, routes{router.Get("/x/{name", nil)}); err == nil || !strings.Contains(err.Error(), "unclosed") {
		t.Errorf("got %v", err)
	}
}
