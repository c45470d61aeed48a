package container_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/server"
	"github.com/berth/berth/internal/server/router"
	containerrouter "github.com/berth/berth/internal/server/router/container"
)

func start(t *testing.T) (*httptest.Server, *fakeBackend) {
	t.Helper()
	b := newFake()
	s, err := server.New(server.Config{Version: "test"}, containerrouter.NewRouter(b))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, b
}

// startUnix serves the router on a unix socket, as berthd does.
func startUnix(t *testing.T) (*httptest.Server, *fakeBackend) {
	t.Helper()
	b := newFake()
	s, err := server.New(server.Config{Version: "test"}, containerrouter.NewRouter(b), pingRouter{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(t.TempDir(), "api.sock"))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s)
	ts.Listener.Close()
	ts.Listener = l
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, b
}

// pingRouter stands in for the system router: clients ping before any call.
type pingRouter struct{}

func (pingRouter) Routes() []router.Route {
	ping := func(_ context.Context, w http.ResponseWriter, _ *http.Request, _ map[string]string) error {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, err := io.WriteString(w, "OK")
		return err
	}
	return []router.Route{router.Get("/_ping", ping), router.Head("/_ping", ping)}
}

func do(t *testing.T, ts *httptest.Server, method, path, body string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, strings.TrimSpace(string(b))
}

// TestRoutes checks each simple route: status, body and what reached the
// backend.
func TestRoutes(t *testing.T) {
	ts, b := start(t)
	for _, c := range []struct {
		method, path, body string
		status             int
		want               string // body prefix
		call               string // last backend call, when checked
	}{
		{"POST", "/v1.50/containers/web/start", "", 304, "", "start web"},
		{"POST", "/containers/idle/start", "", 204, "", "start idle"},
		{"POST", "/containers/nope/start", "", 404, `{"message":"No such container: nope"}`, ""},
		{"POST", "/containers/idle/start", `{"Binds":["/a:/b"]}`, 400, `{"message":"starting container with non-empty`, ""},
		{"POST", "/containers/web/stop?t=5&signal=SIGINT", "", 204, "", "stop web SIGINT 5"},
		{"POST", "/v1.41/containers/web/stop?signal=SIGINT", "", 204, "", "stop web  nil"},
		{"POST", "/containers/web/stop?t=abc", "", 400, `{"message":"invalid value for t: \"abc\" is not an integer"}`, ""},
		{"POST", "/containers/web/restart?signal=9", "", 204, "", "restart web 9"},
		{"POST", "/containers/web/kill?signal=HUP", "", 204, "", "kill web HUP"},
		{"POST", "/containers/web/kill", "", 204, "", "kill web "},
		{"POST", "/containers/nope/kill", "", 404, `{"message":"cannot kill container: nope: No such container: nope"}`, ""},
		{"POST", "/containers/web/pause", "", 204, "", "pause web"},
		{"POST", "/containers/web/unpause", "", 204, "", "unpause web"},
		{"POST", "/containers/web/rename?name=web2", "", 204, "", "rename web web2"},
		{"POST", "/containers/web/rename?name=a", "", 400, `{"message":"Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"}`, ""},
		{"POST", "/containers/web/rename", "", 400, `{"message":"Neither old nor new names may be empty"}`, ""},
		{"DELETE", "/containers/web?force=1&v=true&link=0", "", 204, "", "remove web force=true v=true link=false"},
		{"DELETE", "/containers/gone", "", 404, `{"message":"No such container: gone"}`, ""},
		{"GET", "/containers/web/json?size=1", "", 200, `{"Id":"` + fakeID, "inspect web size=true"},
		{"GET", "/containers/nope/json", "", 404, `{"message":"No such container: nope"}`, ""},
		{"POST", "/containers/prune?filters=%7B%22until%22%3A%7B%2210m%22%3Atrue%7D%7D", "", 200, `{"ContainersDeleted":[],"SpaceReclaimed":0}`, "prune [10m]"},
		{"POST", "/containers/prune?filters=%7B%22name%22%3A%7B%22x%22%3Atrue%7D%7D", "", 400, `{"message":"invalid filter 'name'"}`, ""},
		{"POST", "/containers/web/update", `{"Memory":1048576,"PidsLimit":-1}`, 200, `{"Warnings":[]}`, "update web mem=1048576 pids=0"},
		{"POST", "/containers/web/resize?h=40&w=120", "", 200, "", "resize web 40x120"},
		{"POST", "/containers/web/resize?h=-1&w=120", "", 400, `{"message":"invalid resize height \"-1\""}`, ""},
		{"GET", "/containers/web/top?ps_args=aux", "", 200, `{"Processes":[["1"]],"Titles":["PID"]}`, "top web aux"},
		{"GET", "/containers/web/changes", "", 200, `[]`, ""},
		{"GET", "/containers/web/export", "", 200, "tar of web", ""},
		{"POST", "/commit?container=web&repo=me/img:v1&changes=CMD+x&pause=0", `{"Cmd":["sh"]}`, 201, `{"Id":"sha256:abc"}`, "commit web me/img:v1 pause=false changes=[CMD x] cmd=sh"},
		{"POST", "/commit?container=web&repo=me/img", "", 201, `{"Id":"sha256:abc"}`, "commit web me/img: pause=true changes=[] cmd=nil"},
		{"POST", "/commit?container=web&repo=Bad", "", 400, `{"message":`, ""},
		{"POST", "/containers/web/exec", `{"Cmd":["ls"],"AttachStdin":true,"Detach":false}`, 201, `{"Id":"e1"}`, "exec-create web [ls]"},
		{"POST", "/containers/idle/exec", `{"Cmd":["ls"]}`, 409, `{"message":"container idle is not running"}`, ""},
		{"POST", "/containers/web/exec", `{"Cmd":[]}`, 400, `{"message":"No exec command specified"}`, ""},
		{"POST", "/exec/e1/start", `{"Detach":true}`, 200, "", "exec-start e1 detach=true tty=false"},
		{"POST", "/exec/e9/start", `{"Detach":true}`, 404, `{"message":"No such exec instance: e9"}`, ""},
		{"POST", "/exec/e1/resize?h=10&w=20", "", 200, "", "exec-resize e1 10x20"},
		{"GET", "/exec/e1/json", "", 200, `{"ID":"e1"`, ""},
		{"GET", "/containers/web/stats?stream=0", "", 200, `{"name":"/web"`, "stats web stream=false"},
		{"POST", "/containers/web/wait?condition=bogus", "", 400, `{"message":"invalid condition: \"bogus\""}`, ""},
		{"POST", "/containers/nope/wait", "", 404, `{"message":"No such container: nope"}`, ""},
	} {
		resp, body := do(t, ts, c.method, c.path, c.body)
		if resp.StatusCode != c.status || !strings.HasPrefix(body, c.want) || (c.want == "" && body != "" && c.status != 304) {
			t.Errorf("%s %s: %d %s, want %d %s", c.method, c.path, resp.StatusCode, body, c.status, c.want)
		}
		if c.call != "" && b.last() != c.call {
			t.Errorf("%s %s: backend got %q, want %q", c.method, c.path, b.last(), c.call)
		}
	}
}

func TestStatsStream(t *testing.T) {
	ts, _ := start(t)
	resp, body := do(t, ts, "GET", "/containers/web/stats", "")
	if resp.StatusCode != 200 || strings.Count(body, `"name":"/web"`) != 2 {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}

func TestList(t *testing.T) {
	ts, b := start(t)
	resp, body := do(t, ts, "GET", "/containers/json?all=1&limit=-1&size=true&filters=%7B%22status%22%3A%5B%22running%22%5D%7D", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, `[{"Id":"`+fakeID) || !strings.Contains(body, `"Ports":[]`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if _, o, _ := b.got(); !o.All || o.Limit != 0 || !o.Size || !o.Filters.Has("status") {
		t.Errorf("options %+v", o)
	}
	resp, body = do(t, ts, "GET", "/containers/json?limit=x", "")
	if resp.StatusCode != 400 {
		t.Errorf("bad limit: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, ts, "GET", "/containers/json?filters=%7B%22bogus%22%3A%7B%22x%22%3Atrue%7D%7D", "")
	if resp.StatusCode != 400 || body != `{"message":"invalid filter 'bogus'"}` {
		t.Errorf("bad filter: %d %s", resp.StatusCode, body)
	}
}
