package container_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/berth/berth/internal/server"
	containerrouter "github.com/berth/berth/internal/server/router/container"
)

// apiVersion keeps the fuzzed version to what fits in a URL path.
var apiVersion = regexp.MustCompile(`^[0-9.]{1,8}$`)

// FuzzCreateBody: whatever body a client sends to POST /containers/create,
// the router answers 201 or a client error (never a panic or a 500), and a
// request it passes on has every config the backend relies on.
func FuzzCreateBody(f *testing.F) {
	for _, s := range []string{
		`{"Image":"busybox","Cmd":["sh"],"Tty":true,"HostConfig":{"AutoRemove":true,"PidsLimit":0,"ConsoleSize":[24,80]},"NetworkingConfig":{"EndpointsConfig":{}}}`,
		`{"Image":"busybox","MacAddress":"02:42:ac:11:00:02","NetworkingConfig":{"EndpointsConfig":{"bridge":{"Aliases":["a"]}}}}`,
		`{"Image":"busybox","HostConfig":{"KernelMemory":1,"InitPath":"/x","Binds":["/a:/b:ro"],"PortBindings":{"80/tcp":[{"HostPort":"8080"}]}}}`,
		`{"Image":"busybox","ExposedPorts":{"80/tcp":{}},"Healthcheck":{"Test":["CMD","true"],"Interval":1}}`,
		`{"Image":"busybox","HostConfig":{"Mounts":[{"Type":"volume","Target":"/v"}],"RestartPolicy":{"Name":"always"}}}`,
		`{"Image":"busybox","HostConfig":{"CapAdd":["NET_ADMIN"],"Devices":[{"PathOnHost":"/dev/null"}]}}`,
		`{}`, `null`, `{"Image":`, `{"Image":"busybox"} {}`, `{"Image":"busybox","Bogus":1}`, `[]`, `"x"`,
	} {
		f.Add(s, "1.50")
	}
	f.Fuzz(func(t *testing.T, body, version string) {
		b := newFake()
		s, err := server.New(server.Config{Version: "test"}, containerrouter.NewRouter(b))
		if err != nil {
			t.Fatal(err)
		}
		path := "/containers/create"
		if apiVersion.MatchString(version) {
			path = "/v" + version + path
		}
		req := httptest.NewRequest(http.MethodPost, "http://berth"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		switch {
		case rec.Code == http.StatusCreated:
			got := created(b)
			if got == nil || got.Config == nil || got.HostConfig == nil || got.NetworkingConfig == nil {
				t.Fatalf("201 for %q, but the backend got %+v", body, got)
			}
		case rec.Code >= 400 && rec.Code < 500:
		default:
			t.Fatalf("%s %q: status %d %s", path, body, rec.Code, rec.Body)
		}
	})
}
