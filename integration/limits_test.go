package integration

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
)

// sendJSON sends body as application/json and returns status and body.
func sendJSON(t *testing.T, d *testutil.Daemon, path string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, testutil.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// wantJSONError posts body and checks the status and Docker's error body.
func wantJSONError(t *testing.T, d *testutil.Daemon, path string, body []byte, status int, want string) {
	t.Helper()
	code, b := sendJSON(t, d, path, body)
	var e struct{ Message string }
	json.Unmarshal(b, &e)
	if code != status || !strings.Contains(e.Message, want) {
		t.Errorf("POST %s: %d %q, want %d with %q", path, code, e.Message, status, want)
	}
}

// TestRequestLimits: oversized JSON bodies, capabilities the kernel does
// not have, network names that cannot be addressed and archive tags that
// do not parse are refused up front, with Docker's words.
func TestRequestLimits(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	create := func(env string) []byte {
		b, _ := json.Marshal(map[string]any{"Image": "busybox", "Cmd": []string{"true"}, "Env": []string{"BIG=" + env}})
		return b
	}
	// A large but plausible environment is fine...
	if code, b := sendJSON(t, d, "/containers/create?name=bigenv", create(strings.Repeat("x", 1<<20))); code != http.StatusCreated {
		t.Fatalf("create with a 1 MiB environment: %d %s", code, b)
	}
	docker(t, d, "rm", "bigenv")
	// ...one past the bound is not, and leaves nothing.
	wantJSONError(t, d, "/containers/create?name=huge", create(strings.Repeat("x", 11<<20)), http.StatusBadRequest, "invalid JSON: request body too large")
	if out := docker(t, d, "ps", "-aq"); out != "" {
		t.Errorf("containers after refused creates: %q", out)
	}
	// The bound holds for every JSON route, not only create.
	wantJSONError(t, d, "/networks/create", []byte(`{"Name":"n","Labels":{"k":"`+strings.Repeat("x", 11<<20)+`"}}`), http.StatusBadRequest, "request body too large")
	// and a body must say it is JSON.
	code, _, b := raw(t, d, "POST", "/volumes/create", strings.NewReader(`{"Name":"vol"}`))
	if code != http.StatusBadRequest || !strings.Contains(string(b), "must be 'application/json'") {
		t.Errorf("volume create as a tar body: %d %s", code, b)
	}

	for _, body := range []string{
		`{"Image":"busybox","Cmd":["true"],"HostConfig":{"CapAdd":["CAP_BOGUS"]}}`,
		`{"Image":"busybox","Cmd":["true"],"HostConfig":{"CapDrop":["bogus"]}}`,
	} {
		wantJSONError(t, d, "/containers/create", []byte(body), http.StatusBadRequest, `unknown capability: "CAP_BOGUS"`)
	}
	if out := docker(t, d, "ps", "-aq"); out != "" {
		t.Errorf("containers after refused creates: %q", out)
	}

	wantJSONError(t, d, "/networks/create", []byte(`{"Name":"../x"}`), http.StatusBadRequest,
		`../x includes invalid characters, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`)
	if out := docker(t, d, "network", "ls", "-q", "--filter", "name=x"); out != "" {
		t.Errorf("refused network listed: %q", out)
	}

	for tag, want := range map[string]string{
		"Bad Name:1":                   "invalid reference format",
		"busybox@sha256:" + hex64('a'): `invalid tag "busybox@sha256:`,
	} {
		img := testutil.ArchiveImage{Layers: [][]byte{testutil.BusyboxRootfs(t)}, Tags: []string{"good:1", tag}}
		wantLoadError(t, d, testutil.DockerArchiveOf(t, img), want)
		if _, err := d.Client().ImageInspect(t.Context(), "good:1"); err == nil {
			t.Errorf("load with the tag %q stored the image anyway", tag)
		}
	}
}

func hex64(c byte) string { return strings.Repeat(string(c), 64) }
