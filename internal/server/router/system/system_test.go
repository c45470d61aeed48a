package system_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/server"
	"github.com/berth/berth/internal/server/router/system"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	apisystem "github.com/moby/moby/api/types/system"
)

// fakeBackend serves fixed answers and records what it was asked.
type fakeBackend struct {
	past []events.Message
	live chan events.Message

	mu           sync.Mutex // the handler runs in the server's goroutine
	since, until time.Time
	filters      filters.Args
	dfOpts       backend.DiskUsageOptions
	cancelled    chan struct{}
}

func (f *fakeBackend) SystemInfo(context.Context) (*apisystem.Info, error) {
	return &apisystem.Info{ID: "berth-id", Name: "host", NRI: &apisystem.NRIInfo{}}, nil
}

func (f *fakeBackend) SystemVersion(context.Context) apisystem.VersionResponse {
	return apisystem.VersionResponse{Version: "0.1.0", Os: "linux", Arch: "amd64"}
}

func (f *fakeBackend) SystemDiskUsage(_ context.Context, o backend.DiskUsageOptions) (*backend.DiskUsage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dfOpts = o
	return &backend.DiskUsage{
		LayersSize: 1000,
		Images: []image.Summary{
			{ID: "sha256:a", Size: 600, SharedSize: 100, Containers: 1},
			{ID: "sha256:b", Size: 400, SharedSize: 100, Containers: 0},
		},
		Containers: []container.Summary{{ID: "c1", State: container.StateRunning, SizeRw: 5}},
	}, nil
}

func (f *fakeBackend) options() backend.DiskUsageOptions {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dfOpts
}

func (f *fakeBackend) SubscribeToEvents(since, until time.Time, fa filters.Args) ([]events.Message, <-chan events.Message, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.since, f.until, f.filters = since, until, fa
	f.cancelled = make(chan struct{})
	return f.past, f.live, func() { close(f.cancelled) }
}

func start(t *testing.T, b *fakeBackend) *httptest.Server {
	t.Helper()
	s, err := server.New(server.Config{Version: "0.1.0"}, system.NewRouter(b))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}

func do(t *testing.T, ts *httptest.Server, method, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestPing(t *testing.T) {
	ts := start(t, &fakeBackend{})
	for _, method := range []string{"GET", "HEAD"} {
		for _, path := range []string{"/_ping", "/v1.50/_ping"} {
			resp, body := do(t, ts, method, path)
			want := "OK"
			if method == "HEAD" {
				want = ""
			}
			if resp.StatusCode != 200 || string(body) != want {
				t.Errorf("%s %s: %d %q", method, path, resp.StatusCode, body)
			}
			for k, v := range map[string]string{
				"Api-Version": "1.56", "Ostype": "linux", "Builder-Version": "1",
				"Docker-Experimental": "false", "Pragma": "no-cache",
				"Server": "Berth/0.1.0 (linux)",
			} {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s %s: %s = %q, want %q", method, path, k, got, v)
				}
			}
			if cc := resp.Header.Get("Cache-Control"); cc == "" || cc[:8] != "no-cache" {
				t.Errorf("%s %s: Cache-Control %q", method, path, cc)
			}
		}
	}
}

func TestVersionAndInfo(t *testing.T) {
	ts := start(t, &fakeBackend{})
	_, body := do(t, ts, "GET", "/v1.50/version")
	var v apisystem.VersionResponse
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if v.APIVersion != "1.56" || v.MinAPIVersion != "1.24" || v.Version != "0.1.0" {
		t.Errorf("version: %+v", v)
	}
	// NRI came with 1.53: older clients must not see it.
	for path, wantNRI := range map[string]bool{"/v1.50/info": false, "/v1.53/info": true} {
		_, body = do(t, ts, "GET", path)
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["NRI"]; ok != wantNRI || m["ID"] != "berth-id" {
			t.Errorf("%s: NRI present %v, ID %v", path, ok, m["ID"])
		}
	}
}

// TestInfoLegacyFields: older clients get the fields the current types
// dropped, with Docker's values; current ones do not.
func TestInfoLegacyFields(t *testing.T) {
	ts := start(t, &fakeBackend{})
	for path, want := range map[string][]string{
		"/v1.56/info": nil,
		"/v1.49/info": {"BridgeNfIptables", "BridgeNfIp6tables"},
		"/v1.48/info": {"BridgeNfIptables", "ContainerdCommit.Expected", "RuncCommit.Expected", "InitCommit.Expected"},
		"/v1.46/info": {"BridgeNfIptables", "ContainerdCommit.Expected", "RegistryConfig.AllowNondistributableArtifactsCIDRs",
			"RegistryConfig.AllowNondistributableArtifactsHostnames"},
	} {
		_, body := do(t, ts, "GET", path)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		has := func(key string) bool {
			outer, inner, nested := strings.Cut(key, ".")
			raw, ok := m[outer]
			if !ok || !nested {
				return ok
			}
			var sub map[string]json.RawMessage
			json.Unmarshal(raw, &sub)
			_, ok = sub[inner]
			return ok
		}
		for _, key := range want {
			if !has(key) {
				t.Errorf("%s lacks %s: %s", path, key, body)
			}
		}
		if want == nil && (has("BridgeNfIptables") || has("ContainerdCommit.Expected")) {
			t.Errorf("%s has legacy fields: %s", path, body)
		}
		if string(m["BridgeNfIptables"]) == "true" || m["ID"] == nil {
			t.Errorf("%s: %s", path, body)
		}
	}
}

func TestDiskUsageLegacyShape(t *testing.T) {
	b := &fakeBackend{}
	ts := start(t, b)
	resp, body := do(t, ts, "GET", "/v1.50/system/df")
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"LayersSize", "Images", "Containers", "Volumes", "BuildCache"} {
		if _, ok := m[k]; !ok {
			t.Errorf("legacy df lacks %s: %s", k, body)
		}
	}
	if string(m["Volumes"]) != "[]" || string(m["LayersSize"]) != "1000" {
		t.Errorf("legacy df: %s", body)
	}
	if _, ok := m["ImageUsage"]; ok {
		t.Errorf("legacy df has ImageUsage: %s", body)
	}
	if o := b.options(); !o.Images || !o.Containers || !o.Volumes {
		t.Errorf("no type given should ask for all: %+v", o)
	}
}

func TestDiskUsageCurrentShape(t *testing.T) {
	b := &fakeBackend{}
	ts := start(t, b)
	_, body := do(t, ts, "GET", "/v1.53/system/df?type=image&type=container")
	var du apisystem.DiskUsage
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &du); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(body, &m)
	if _, ok := m["Images"]; ok {
		t.Errorf("1.53 df has legacy Images: %s", body)
	}
	if du.ImageUsage == nil || du.ImageUsage.TotalCount != 2 || du.ImageUsage.ActiveCount != 1 ||
		du.ImageUsage.TotalSize != 1000 || du.ImageUsage.Reclaimable != 300 || du.ImageUsage.Items != nil {
		t.Errorf("ImageUsage: %+v", du.ImageUsage)
	}
	if du.ContainerUsage == nil || du.ContainerUsage.ActiveCount != 1 || du.VolumeUsage != nil {
		t.Errorf("container/volume usage: %s", body)
	}
	if o := b.options(); o.Volumes || !o.Images {
		t.Errorf("options: %+v", o)
	}

	_, body = do(t, ts, "GET", "/v1.53/system/df?type=image&verbose=1")
	_ = json.Unmarshal(body, &du)
	if len(du.ImageUsage.Items) != 2 {
		t.Errorf("verbose df has no items: %s", body)
	}

	// 1.52 sends both shapes unless verbose.
	_, body = do(t, ts, "GET", "/v1.52/system/df?type=image")
	m = nil
	_ = json.Unmarshal(body, &m)
	if m["Images"] == nil || m["ImageUsage"] == nil {
		t.Errorf("1.52 df: %s", body)
	}

	resp, _ := do(t, ts, "GET", "/system/df?type=bogus")
	if resp.StatusCode != 400 {
		t.Errorf("bogus type: %d", resp.StatusCode)
	}
}
