package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// fakeEngine is a Docker Engine API stand-in on a unix socket: each route
// answers with canned JSON, and every request is recorded for assertions.
type fakeEngine struct {
	t      *testing.T
	host   string
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	reqs   []recorded
}

type recorded struct {
	method, path, query string
	body                []byte
}

var versionPrefix = regexp.MustCompile(`^/v[0-9.]+`)

// apiVersion is what the fake engine advertises: docker 28.2.2's own
// newest version, so both CLIs speak the same dialect to it.
const apiVersion = "1.50"

func newFakeEngine(t *testing.T) *fakeEngine {
	t.Helper()
	dir, err := os.MkdirTemp("", "berth-cli")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "engine.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeEngine{t: t, host: "unix://" + sock, routes: map[string]http.HandlerFunc{}}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return f
}

func (f *fakeEngine) serve(w http.ResponseWriter, r *http.Request) {
	path := versionPrefix.ReplaceAllString(r.URL.Path, "")
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{r.Method, path, r.URL.RawQuery, body})
	h := f.routes[r.Method+" "+path]
	f.mu.Unlock()
	w.Header().Set("Api-Version", apiVersion)
	w.Header().Set("Ostype", "linux")
	if path == "/_ping" {
		w.Write([]byte("OK"))
		return
	}
	if h == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"page not found"}`))
		return
	}
	h(w, r)
}

// json answers a route with a status and a JSON body.
func (f *fakeEngine) json(route string, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// last returns the most recent request to path.
func (f *fakeEngine) last(path string) recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.reqs) - 1; i >= 0; i-- {
		if f.reqs[i].path == path {
			return f.reqs[i]
		}
	}
	f.t.Fatalf("no request to %s", path)
	return recorded{}
}

type result struct {
	out, err string
	code     int
}

// berth runs the root command against the fake engine.
func (f *fakeEngine) berth(stdin string, args ...string) result {
	var out, errOut bytes.Buffer
	code := Run(context.Background(), append([]string{"-H", f.host}, args...), strings.NewReader(stdin), &out, &errOut)
	return result{out.String(), errOut.String(), code}
}

// docker runs the real docker CLI, when installed, against the same fake
// engine, so that berth's output can be compared with docker's own.
func (f *fakeEngine) docker(stdin string, args ...string) (result, bool) {
	path, err := exec.LookPath("docker")
	if err != nil {
		return result{}, false
	}
	cmd := exec.Command(path, append([]string{"-H", f.host}, args...)...)
	cmd.Env = []string{"HOME=" + f.t.TempDir(), "DOCKER_CONFIG=" + f.t.TempDir(), "PATH=/usr/bin:/bin"}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		f.t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}, true
}

// sameAsDocker runs both CLIs with the same arguments and wants identical
// stdout, stderr (with the program name swapped) and exit status.
func (f *fakeEngine) sameAsDocker(stdin string, args ...string) result {
	f.t.Helper()
	got := f.berth(stdin, args...)
	want, ok := f.docker(stdin, args...)
	if !ok {
		return got
	}
	f.t.Logf("compared with docker: %s", strings.Join(args, " "))
	want.err = strings.ReplaceAll(want.err, "docker", "berth")
	if got != want {
		f.t.Errorf("berth %s differs from docker:\n--- berth (exit %d)\n%s%s--- docker (exit %d)\n%s%s",
			strings.Join(args, " "), got.code, got.out, got.err, want.code, want.out, want.err)
	}
	return got
}
