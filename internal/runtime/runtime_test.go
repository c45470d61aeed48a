package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/berth/berth/internal/testutil/need"
)

// bundle writes a busybox bundle running args and returns a runtime of
// the given name with a private root, and a container ID.
func bundle(t *testing.T, name string, args ...string) (Runtime, string, string) {
	t.Helper()
	need.Root(t, "runtimes create namespaces and mounts")
	need.Command(t, name, name)
	r, err := Detect(name)
	if err != nil {
		t.Fatal(err)
	}
	r.Root = filepath.Join(t.TempDir(), "state")
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "rootfs")
	os.Mkdir(rootfs, 0o755)
	untar := exec.Command("tar", "-x", "-C", rootfs)
	untar.Stdin = bytes.NewReader(testutil.BusyboxRootfs(t))
	if out, err := untar.CombinedOutput(); err != nil {
		t.Fatalf("tar: %v: %s", err, out)
	}
	id := fmt.Sprintf("rttest-%d-%d", os.Getpid(), time.Now().UnixNano())
	spec := map[string]any{
		"ociVersion": "1.0.2",
		"process":    map[string]any{"args": args, "cwd": "/", "env": []string{"PATH=/bin"}, "user": map[string]int{"uid": 0, "gid": 0}},
		"root":       map[string]any{"path": "rootfs"},
		"mounts":     []map[string]any{{"destination": "/proc", "type": "proc", "source": "proc"}},
		"linux": map[string]any{
			"cgroupsPath": "/berth/" + id,
			"namespaces":  []map[string]string{{"type": "pid"}, {"type": "mount"}},
		},
	}
	data, _ := json.Marshal(spec)
	os.WriteFile(filepath.Join(dir, "config.json"), data, 0o644)
	t.Cleanup(func() {
		r.Delete(context.Background(), id, true)
		cgs, _ := filepath.Glob("/sys/fs/cgroup/*/berth/" + id)
		for _, cg := range cgs {
			os.Remove(cg)
		}
	})
	return r, dir, id
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	r, dir, id := bundle(t, "runc", "sleep", "100")
	r.Reaper = NewReaper()
	pidFile := filepath.Join(dir, "init.pid")
	if err := r.Create(ctx, id, dir, CreateOpts{PidFile: pidFile}); err != nil {
		t.Fatal(err)
	}
	if st, err := r.State(ctx, id); err != nil || st.Status != "created" || st.Pid == 0 {
		t.Fatalf("state %+v %v", st, err)
	}
	if err := r.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := r.Pause(ctx, id); err != nil {
		t.Fatal(err)
	}
	if st, _ := r.State(ctx, id); st.Status != "paused" {
		t.Fatalf("status %s after pause", st.Status)
	}
	if err := r.Resume(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := r.Update(ctx, id, []byte(`{"pids":{"limit":50}}`)); err != nil {
		t.Fatal(err)
	}
	pids, err := r.Ps(ctx, id)
	if err != nil || len(pids) != 1 {
		t.Fatalf("ps %v %v", pids, err)
	}
	if err := r.Kill(ctx, id, syscall.SIGKILL, true); err != nil {
		t.Fatal(err)
	}
	if err := r.Delete(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.State(ctx, id); !errors.Is(err, ErrNotExist) {
		t.Fatalf("state after delete: %v", err)
	}
}

func TestCreateError(t *testing.T) {
	r, dir, id := bundle(t, "runc", "nope")
	err := r.Create(context.Background(), id, dir, CreateOpts{})
	var rerr *Error
	if !errors.As(err, &rerr) || !strings.Contains(rerr.Msg, `exec: "nope": executable file not found in $PATH`) {
		t.Fatalf("create error %v", err)
	}
}

func TestLogMessage(t *testing.T) {
	crun := `{"msg":"cgroups in hybrid mode not supported","level":"error","time":"x"}`
	if got := logMessage([]byte(crun + `{"level":"warning","msg":"w"}`)); got != "cgroups in hybrid mode not supported" {
		t.Fatalf("got %q", got)
	}
	if got := logMessage([]byte("plain text\n")); got != "plain text" {
		t.Fatalf("got %q", got)
	}
}

func TestWorks(t *testing.T) {
	need.Command(t, "runc", "runc")
	r, err := Detect("runc")
	if err != nil {
		t.Fatal(err)
	}
	if err := Works(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	need.Command(t, "crun", "crun")
	c, err := Detect("crun")
	if err != nil {
		t.Fatal(err)
	}
	err = Works(context.Background(), c)
	if len(hybridControllers()) > 0 && err == nil {
		t.Fatal("crun works on a hybrid host with cgroup2 controllers?")
	}
	t.Logf("crun: %v", err)
}
