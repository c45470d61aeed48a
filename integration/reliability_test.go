package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// TestParallelRunRm starts 100 `run --rm busybox true` at once, without
// names, as a load: every one must succeed (no generated-name conflict),
// and afterwards no berthd thread may be left in a container's network
// namespace (it would keep that namespace, its veth and its address alive).
func TestParallelRunRm(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")

	const n = 100
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			errs <- runRm(t.Context(), d, `{"Image":"busybox","Cmd":["true"],"HostConfig":{"AutoRemove":true}}`)
		})
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			t.Error(err)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d parallel runs failed", failed, n)
	}
	checkThreadsInHostNetNS(t, d)
	if out := docker(t, d, "ps", "-aq"); out != "" {
		t.Fatalf("containers left after --rm: %q", out)
	}
	// An explicit name that is taken is still Docker's 409.
	docker(t, d, "create", "--name", "taken", "busybox", "true")
	wantJSONError(t, d, "/containers/create?name=taken", []byte(`{"Image":"busybox","Cmd":["true"]}`), http.StatusConflict,
		`Conflict. The container name "/taken" is already in use by container`)
	docker(t, d, "rm", "taken")
}

// runRm creates and starts one container and waits until --rm has
// removed it, as `docker run --rm` does (without attaching).
func runRm(ctx context.Context, d *testutil.Daemon, body string) error {
	hc := d.HTTPClient()
	hc.Timeout = 2 * time.Minute
	post := func(path, body string) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, testutil.BaseURL+path, bytes.NewBufferString(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, fmt.Errorf("POST %s: %w", path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	code, b, err := post("/containers/create", body)
	if err != nil {
		return err
	}
	if code != http.StatusCreated {
		return fmt.Errorf("create: %d %s", code, b)
	}
	var created struct{ ID string }
	if err := json.Unmarshal(b, &created); err != nil {
		return err
	}
	// Wait before start, as the docker CLI does, so the removal cannot be
	// missed; the answer comes once the container is gone.
	waited := make(chan error, 1)
	go func() {
		code, b, err := post("/containers/"+created.ID+"/wait?condition=removed", "")
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("wait: %d %s", code, b)
		}
		waited <- err
	}()
	if code, b, err = post("/containers/"+created.ID+"/start", ""); err != nil || code != http.StatusNoContent {
		return fmt.Errorf("start: %d %s %v", code, b, err)
	}
	return <-waited
}

// checkThreadsInHostNetNS fails the test if any thread of berthd is in a
// network namespace other than the host's (this test's).
func checkThreadsInHostNetNS(t *testing.T, d *testutil.Daemon) {
	t.Helper()
	host, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/ns/net", d.PID))
	if err != nil || len(tasks) == 0 {
		t.Fatalf("threads of berthd (pid %d): %v", d.PID, err)
	}
	for _, task := range tasks {
		ns, err := os.Readlink(task)
		if err != nil {
			continue // the thread ended meanwhile
		}
		if ns != host {
			t.Errorf("berthd thread %s is in %s, not the host's %s", filepath.Base(filepath.Dir(filepath.Dir(task))), ns, host)
		}
	}
}
