package image_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/berth/berth/internal/backend"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
)

func (f *fakeBackend) PullImage(_ context.Context, o backend.PullOptions, progress func(jsonstream.Message)) error {
	f.record("pull %s platform=%s user=%s", o.Ref, o.Platform, o.Auth.Username)
	if strings.Contains(o.Ref, "nosuch") {
		return errdefs.ErrNotFound.WithMessage("manifest for nosuch:latest not found: manifest unknown: manifest unknown")
	}
	progress(jsonstream.Message{ID: "abc", Status: "Pull complete"})
	return nil
}

func (f *fakeBackend) PushImage(_ context.Context, o backend.PushOptions, progress func(jsonstream.Message)) error {
	f.record("push %s tag=%s user=%s", o.Name, o.Tag, o.Auth.Username)
	progress(jsonstream.Message{Status: "latest: digest: sha256:1 size: 1"})
	return nil
}

func TestPullRoutes(t *testing.T) {
	ts, b := start(t)
	auth := base64.URLEncoding.EncodeToString([]byte(`{"username":"u","password":"p"}`))
	for path, want := range map[string]string{
		"/v1.50/images/create?fromImage=localhost:5000/a/b&tag=v1&platform=linux/arm64": "pull localhost:5000/a/b:v1 platform=linux/arm64 user=u",
		"/images/create?fromImage=busybox&tag=sha256:0123":                              "pull busybox@sha256:0123 platform= user=u",
		"/v1.30/images/create?fromImage=busybox&platform=linux/arm64":                   "pull busybox platform= user=u",
	} {
		req, _ := http.NewRequest("POST", ts.URL+path, nil)
		req.Header.Set("X-Registry-Auth", auth)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || b.last() != want {
			t.Errorf("%s: %d, backend %q, want %q", path, resp.StatusCode, b.last(), want)
		}
	}
	resp, body := do(t, ts, "POST", "/images/create?fromImage=nosuch", "")
	if resp.StatusCode != 404 || !strings.Contains(body, "manifest unknown") {
		t.Errorf("unknown image: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/images/create?fromImage=busybox", nil)
	req.Header.Set("X-Registry-Auth", "%%%")
	if resp, _ := ts.Client().Do(req); resp.StatusCode != 400 {
		t.Errorf("bad auth header: %d", resp.StatusCode)
	}
}

func TestPushRoute(t *testing.T) {
	ts, b := start(t)
	resp, body := do(t, ts, "POST", "/images/localhost:5000/a/b/push?tag=v2", "{}")
	if resp.StatusCode != 200 || b.last() != "push localhost:5000/a/b tag=v2 user=" || !strings.Contains(body, "digest: sha256:1") {
		t.Errorf("%d %s %q", resp.StatusCode, body, b.last())
	}
}
