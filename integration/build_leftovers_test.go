package integration

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// TestBuildLeavesNoContext: a build that finishes, fails, or whose client
// goes away after the upload removes its context spool under
// <data-root>/builder/tmp; what a killed daemon left there is gone after
// the next start.
func TestBuildLeavesNoContext(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	tmp := filepath.Join(d.DataRoot, "builder", "tmp")

	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nRUN true\n", "a.txt": "a"})
	if out, stderr, code := classicBuild(t, d, dir); code != 0 {
		t.Fatalf("build: %d\n%s\n%s", code, out, stderr)
	}
	waitEmpty(t, tmp, "after a finished build")

	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nRUN exit 3\n"})
	if _, _, code := classicBuild(t, d, dir); code == 0 {
		t.Fatal("failing build succeeded")
	}
	waitEmpty(t, tmp, "after a failed build")

	// The client goes away once the build runs its second step.
	abandonBuild(t, d, "FROM busybox\nRUN sleep 3\n")
	waitEmpty(t, tmp, "after a build whose client went away")

	// The daemon dies in the middle of a build.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	resp := startBuild(t, ctx, d, "FROM busybox\nRUN sleep 30\n")
	defer resp.Body.Close()
	readUntil(t, resp, "Step 2/2")
	if entries, _ := os.ReadDir(tmp); len(entries) == 0 {
		t.Fatal("no context spool while the build runs: the test checks nothing")
	}
	d.Kill()
	cancel()
	d.Restart(t)
	waitEmpty(t, tmp, "after a restart")
}

// startBuild posts a context holding only dockerfile to /build.
func startBuild(t *testing.T, ctx context.Context, d *testutil.Daemon, dockerfile string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(dockerfile))})
	tw.Write([]byte(dockerfile))
	tw.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, testutil.BaseURL+"/build?rm=1", &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-tar")
	resp, err := d.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("build: status %d", resp.StatusCode)
	}
	return resp
}

// abandonBuild starts a build and hangs up once its second step began.
func abandonBuild(t *testing.T, d *testutil.Daemon, dockerfile string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	resp := startBuild(t, ctx, d, dockerfile)
	defer resp.Body.Close()
	readUntil(t, resp, "Step 2/")
}

// readUntil reads the build's JSON stream until a line contains want.
func readUntil(t *testing.T, resp *http.Response, want string) {
	t.Helper()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.Contains(sc.Text(), want) {
			return
		}
	}
	t.Fatalf("build stream ended before %q: %v", want, sc.Err())
}

// waitEmpty waits up to ten seconds for dir to be empty (or absent).
func waitEmpty(t *testing.T, dir, when string) {
	t.Helper()
	var names []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		entries, err := os.ReadDir(dir)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		names = names[:0]
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if len(names) == 0 {
			return
		}
	}
	t.Fatalf("%s: %s holds %v", when, dir, names)
}
