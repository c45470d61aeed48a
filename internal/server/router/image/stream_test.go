package image_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestImportFromBody(t *testing.T) {
	ts, b := start(t)
	q := url.Values{"fromSrc": {"-"}, "repo": {"imported"}, "tag": {"v1"},
		"changes": {"CMD [\"sh\"]", "ENV A=b"}}
	resp, body := do(t, ts, "POST", "/v1.50/images/create?"+q.Encode(), "rootfs-tar")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" ||
		strings.TrimSpace(body) != `{"status":"sha256:feed"}` {
		t.Fatalf("%d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	o := b.imports
	if b.body != "rootfs-tar" || o.Repo != "imported" || o.Tag != "v1" || o.Message != "Imported from -" ||
		len(o.Changes) != 2 || o.Changes[1] != "ENV A=b" {
		t.Errorf("import: %+v body %q", o, b.body)
	}
}

func TestCreateRefusals(t *testing.T) {
	ts, _ := start(t)
	for q, want := range map[string]string{
		"": `400 {"message":"fromImage or fromSrc is required"}`,
	} {
		resp, body := do(t, ts, "POST", "/images/create?"+q, "")
		if got := strings.TrimSpace(resp.Status[:3] + " " + body); got != want {
			t.Errorf("%q: got %s, want %s", q, got, want)
		}
	}
}

func TestLoadStream(t *testing.T) {
	ts, b := start(t)
	resp, body := do(t, ts, "POST", "/images/load?quiet=1", "tarball")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" ||
		strings.TrimSpace(body) != `{"stream":"Loaded image: busybox:latest\n"}` {
		t.Errorf("%d %s", resp.StatusCode, body)
	}

	// A failure is reported inside the stream, with status 200: Docker's
	// clients read errorDetail.
	b.loadErr = errors.New("layer 2 is corrupt")
	resp, body = do(t, ts, "POST", "/images/load", "tarball")
	lines := strings.Split(strings.TrimSpace(body), "\n")
	var last struct {
		ErrorDetail struct{ Message string }
		Error       string
	}
	if resp.StatusCode != 200 || len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &last) != nil ||
		last.Error != "layer 2 is corrupt" || last.ErrorDetail.Message != "layer 2 is corrupt" {
		t.Errorf("error in stream: %d %s", resp.StatusCode, body)
	}
}
