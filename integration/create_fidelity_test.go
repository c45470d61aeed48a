package integration

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// TestCreateDecoding: a create body is read as Docker reads it: unknown
// fields ignored, JSON only as application/json, nothing after the object,
// and an empty body is invalid JSON.
func TestCreateDecoding(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	// Fields Berth's types do not know, as clients send them.
	body := `{"Image":"busybox","Cmd":["true"],"Runtime":"runc","Bogus":1,` +
		`"HostConfig":{"KernelMemory":0,"Bogus":{}},"NetworkingConfig":{"net":null,"EndpointsConfig":{"bridge":null}}}`
	if code, b := sendJSON(t, d, "/containers/create?name=unknown-fields", []byte(body)); code != http.StatusCreated {
		t.Errorf("unknown fields: %d %s", code, b)
	}
	wantJSONError(t, d, "/containers/create", []byte(`{"Image":"busybox"} {"x":1}`), 400, "unexpected content after JSON")
	wantJSONError(t, d, "/containers/create", nil, 400, "invalid JSON: EOF")
	wantJSONError(t, d, "/networks/create", []byte(`{"Name":"n1"}x`), 400, "unexpected content after JSON")

	req, err := http.NewRequestWithContext(t.Context(), "POST", testutil.BaseURL+"/containers/create",
		strings.NewReader(`{"Image":"busybox"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	resp, err := d.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Message string }
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if want := "unsupported Content-Type header (text/plain): must be 'application/json'"; resp.StatusCode != 400 || e.Message != want {
		t.Errorf("text/plain create: %d %q, want 400 %q", resp.StatusCode, e.Message, want)
	}
}

// TestCreateChecks: create refuses what Docker refuses (400, its words),
// takes what Docker takes, and stores Docker's defaults in HostConfig.
func TestCreateChecks(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	create := func(v map[string]any) []byte {
		v["Image"] = "busybox"
		if v["Cmd"] == nil {
			v["Cmd"] = []string{"true"}
		}
		b, _ := json.Marshal(v)
		return b
	}
	hc := func(k string, v any) map[string]any { return map[string]any{"HostConfig": map[string]any{k: v}} }
	for _, tc := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"Env": []string{"A=1", ""}}, "invalid environment variable: "},
		{map[string]any{"Env": []string{"=x"}}, "invalid environment variable: =x"},
		{map[string]any{"WorkingDir": "rel"}, "the working directory 'rel' is invalid, it needs to be an absolute path"},
		{hc("IpcMode", "bogus"), "invalid IPC mode: bogus"},
		{hc("PidMode", "bogus"), "invalid PID mode: bogus"},
		{hc("UTSMode", "bogus"), "invalid UTS mode: bogus"},
		{hc("Annotations", map[string]string{"": "x"}), "invalid Annotations: the empty string is not permitted as an annotation key"},
		{hc("VolumesFrom", []string{"nosuch"}), "No such container: nosuch"},
	} {
		wantJSONError(t, d, "/containers/create", create(tc.body), 400, tc.want)
	}

	ctx := t.Context()
	c := d.Client()
	// Cmd [""] is a command (its start fails), and endpoints on networks
	// that do not exist yet are taken: the error comes at start.
	for name, body := range map[string]map[string]any{
		"emptycmd": {"Cmd": []string{""}},
		"latenet": {"Cmd": []string{"true"}, "HostConfig": map[string]any{"NetworkMode": "later"},
			"NetworkingConfig": map[string]any{"EndpointsConfig": map[string]any{"later": map[string]any{}}}},
	} {
		if code, b := sendJSON(t, d, "/containers/create?name="+name, create(body)); code != http.StatusCreated {
			t.Fatalf("%s: %d %s", name, code, b)
		}
	}
	if _, err := c.ContainerStart(ctx, "latenet", client.ContainerStartOptions{}); err == nil || !strings.Contains(err.Error(), "network later not found") {
		t.Errorf("start on a missing network: %v", err)
	}
	if _, err := c.NetworkCreate(ctx, "later", client.NetworkCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.NetworkRemove(ctx, "later", client.NetworkRemoveOptions{}) })
	if _, err := c.ContainerStart(ctx, "latenet", client.ContainerStartOptions{}); err != nil {
		t.Errorf("start once the network exists: %v", err)
	}

	// Defaults are written at create; WorkingDir is cleaned.
	sendJSON(t, d, "/containers/create?name=defaults", create(map[string]any{"Cmd": []string{"true"}, "WorkingDir": "/a//b/../c/"}))
	res, err := c.ContainerInspect(ctx, "defaults", client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Container
	if got.Config.WorkingDir != "/a/c" || got.HostConfig.IpcMode != "private" ||
		len(got.HostConfig.MaskedPaths) == 0 || len(got.HostConfig.ReadonlyPaths) == 0 {
		t.Errorf("defaults: WorkingDir %q IpcMode %q MaskedPaths %v ReadonlyPaths %v", got.Config.WorkingDir,
			got.HostConfig.IpcMode, got.HostConfig.MaskedPaths, got.HostConfig.ReadonlyPaths)
	}
	sendJSON(t, d, "/v1.39/containers/create?name=old", create(map[string]any{"Cmd": []string{"true"}}))
	if res, err := c.ContainerInspect(ctx, "old", client.ContainerInspectOptions{}); err != nil || res.Container.HostConfig.IpcMode != "shareable" {
		t.Errorf("API 1.39 default IpcMode: %v %v", err, res.Container.HostConfig)
	}
}
