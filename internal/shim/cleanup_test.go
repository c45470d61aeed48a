package shim

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"
	"time"
)

// runtimeList is the ids `runtime list` knows under the test's root.
func runtimeList(t *testing.T, cfg LaunchConfig) []string {
	t.Helper()
	out, err := exec.Command(cfg.RuntimePath, "--root", cfg.RuntimeRoot, "list", "--format", "json").Output()
	if err != nil {
		t.Fatalf("%s list: %v", cfg.RuntimeName, err)
	}
	var list []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("%s list said %q: %v", cfg.RuntimeName, out, err)
	}
	var ids []string
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestCleanupAfterShimKilled(t *testing.T) {
	eachRuntime(t, func(t *testing.T, name string) {
		t.Run("running", func(t *testing.T) { testCleanup(t, name, false) })
		t.Run("paused", func(t *testing.T) { testCleanup(t, name, true) })
	})
}

func testCleanup(t *testing.T, name string, paused bool) {
	f := launch(t, newRuntimeConfig(t, name, false, "sleep", "100"))
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if paused {
		if err := f.client.Pause(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	// A killed shim leaves its container running, its socket and
	// the runtime's state behind.
	f.client.Process().Signal(syscall.SIGKILL)
	<-f.exited
	if !processAlive(f.pid) {
		t.Fatal("the init died with its shim")
	}
	if ids := runtimeList(t, f.cfg); !slices.Contains(ids, f.cfg.ID) {
		t.Fatalf("%s list %v lacks the container before cleanup", name, ids)
	}
	if err := Cleanup(ctxT(t), f.cfg); err != nil {
		t.Fatal(err)
	}
	if ids := runtimeList(t, f.cfg); slices.Contains(ids, f.cfg.ID) {
		t.Fatalf("%s list %v still has the container", name, ids)
	}
	if _, err := os.Stat(f.cfg.Socket); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for processAlive(f.pid) {
		if time.Now().After(deadline) {
			t.Fatal("the init survived the cleanup")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Again, and for a container the runtime never knew.
	if err := Cleanup(ctxT(t), f.cfg); err != nil {
		t.Fatalf("second cleanup: %v", err)
	}
	unknown := f.cfg
	unknown.ID += "-never"
	if err := Cleanup(ctxT(t), unknown); err != nil {
		t.Fatalf("cleanup of an unknown container: %v", err)
	}
}

func TestCleanupReportsFailure(t *testing.T) {
	cfg := newConfig(t, false, "true")
	cfg.RuntimePath = "/nonexistent/runtime"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := Cleanup(ctx, cfg)
	if err == nil {
		t.Fatal("cleanup with a missing runtime succeeded")
	}
	t.Log(err)
	cfg.ID = ""
	if err := Cleanup(ctx, cfg); err == nil {
		t.Fatal("cleanup without an id succeeded")
	}
}
