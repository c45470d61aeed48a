package container_test

import (
	"io"
	"net"
	"strings"
	"testing"
)

func TestCreate(t *testing.T) {
	ts, b := start(t)
	resp, body := do(t, ts, "POST", "/v1.50/containers/create?name=web&platform=linux/amd64",
		`{"Image":"busybox","Cmd":["sh"],"Tty":true,"HostConfig":{"AutoRemove":true,"PidsLimit":0,"ConsoleSize":[24,80]},"NetworkingConfig":{"EndpointsConfig":{}}}`)
	if resp.StatusCode != 201 || body != `{"Id":"`+fakeID+`","Warnings":[]}` {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if b.last() != "create web linux/amd64" {
		t.Errorf("backend got %q", b.last())
	}
	req := created(b)
	if req.Image != "busybox" || !req.Tty || !req.HostConfig.AutoRemove || req.HostConfig.PidsLimit != nil ||
		req.HostConfig.ConsoleSize != [2]uint{24, 80} {
		t.Errorf("decoded %+v %+v", req.Config, req.HostConfig)
	}

	// API 1.40 knew neither the platform nor the console size.
	do(t, ts, "POST", "/v1.40/containers/create?platform=linux/arm64", `{"Image":"busybox","HostConfig":{"ConsoleSize":[24,80]}}`)
	if b.last() != "create  " || created(b).HostConfig.ConsoleSize != [2]uint{} {
		t.Errorf("1.40: %q %v", b.last(), created(b).HostConfig.ConsoleSize)
	}
	// No HostConfig at all still gives the backend one.
	do(t, ts, "POST", "/containers/create", `{"Image":"busybox"}`)
	if created(b).HostConfig == nil || created(b).NetworkingConfig == nil {
		t.Errorf("nil configs reached the backend")
	}
}

func TestCreateRefusals(t *testing.T) {
	ts, _ := start(t)
	for _, c := range []struct{ query, body, want string }{
		{"", "", `400 {"message":"invalid JSON: EOF"}`},
		{"", " \n", `400 {"message":"invalid JSON: EOF"}`},
		{"", "{}", `400 {"message":"config cannot be empty in order to create a container"}`},
		{"", "null", `400 {"message":"config cannot be empty in order to create a container"}`},
		{"?name=a", `{"Image":"busybox"}`, `400 {"message":"Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"}`},
		{"?name=-x", `{"Image":"busybox"}`, `400 {"message":"Invalid container name (-x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"}`},
		{"?name=a%2Fb", `{"Image":"busybox"}`, `400 {"message":"Invalid container name (a/b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"}`},
		{"", `{"Image":"busybox"} {}`, `400 {"message":"unexpected content after JSON"}`},
		{"", `{"Image":`, `400 {"message":"invalid JSON: unexpected EOF"}`},
		{"", `{"Image":"missing"}`, `404 {"message":"No such image: missing:latest"}`},
		{"", `{"Image":"busybox","MacAddress":"zz"}`, `400 {"message":"invalid MAC address \"zz\""}`},
	} {
		resp, body := do(t, ts, "POST", "/containers/create"+c.query, c.body)
		if got := resp.Status[:3] + " " + body; got != c.want {
			t.Errorf("%s %s: got %s, want %s", c.query, c.body, got, c.want)
		}
	}
}

// TestCreateLegacyFields: fields today's types dropped but real clients
// send are accepted, and fields nobody knows are ignored, as Docker does.
func TestCreateLegacyFields(t *testing.T) {
	ts, b := start(t)
	resp, body := do(t, ts, "POST", "/v1.43/containers/create",
		`{"Image":"busybox","MacAddress":"02:42:ac:11:00:02","HostConfig":{"KernelMemory":0,"KernelMemoryTCP":0,"Memory":4194304}}`)
	if resp.StatusCode != 201 || !strings.Contains(body, `"Warnings":[]`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	ep := created(b).NetworkingConfig.EndpointsConfig["bridge"]
	if ep == nil || net.HardwareAddr(ep.MacAddress).String() != "02:42:ac:11:00:02" || created(b).HostConfig.Memory != 4194304 {
		t.Errorf("mac not moved: %+v", created(b).NetworkingConfig)
	}
	resp, body = do(t, ts, "POST", "/containers/create",
		`{"Image":"busybox","Runtime":"x","Bogus":1,"HostConfig":{"Bogus":1,"InitPath":"/x"},"NetworkingConfig":{"net":null}}`)
	if resp.StatusCode != 201 {
		t.Errorf("unknown fields: %d %s", resp.StatusCode, body)
	}
	// From 1.44 the same body is taken with a warning.
	_, body = do(t, ts, "POST", "/v1.44/containers/create", `{"Image":"busybox","MacAddress":"02:42:ac:11:00:02"}`)
	if !strings.Contains(body, "MacAddress field is now deprecated") {
		t.Errorf("no warning: %s", body)
	}
}

func TestCreateContentType(t *testing.T) {
	ts, _ := start(t)
	req := strings.NewReader(`{"Image":"busybox"}`)
	resp, err := ts.Client().Post(ts.URL+"/containers/create", "text/plain", req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if want := `{"message":"unsupported Content-Type header (text/plain): must be 'application/json'"}` + "\n"; resp.StatusCode != 400 || string(body) != want {
		t.Errorf("text/plain body: %d %s", resp.StatusCode, body)
	}
}
