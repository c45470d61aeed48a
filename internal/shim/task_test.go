package shim

import (
	"bufio"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestPauseResume does not pause twice: runc refuses that, crun does not,
// and Docker's words for it come from the caller, which knows the state.
func TestPauseResume(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt string) {
		f := launch(t, newRuntimeConfig(t, rt, false, "sleep", "100"))
		if err := f.client.Start(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		if err := f.client.Pause(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		f.wantStatus("paused")
		if freezer := cgroupValue(t, f.cfg, "freezer", "freezer.state", "cgroup.freeze"); freezer != "FROZEN" && freezer != "1" {
			t.Fatalf("freezer state %q while paused", freezer)
		}
		if err := f.client.Resume(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		f.wantStatus("running")
		if err := f.client.Kill(ctxT(t), syscall.SIGKILL, false); err != nil {
			t.Fatal(err)
		}
		f.waitExit(137)
	})
}

func (f *fixture) wantStatus(want string) {
	f.t.Helper()
	st, err := f.client.State(ctxT(f.t))
	if err != nil || st.Status != want {
		f.t.Fatalf("state %+v %v, want %s", st, err, want)
	}
}

// cgroupValue reads a file of the container's cgroup: v1 controller/v1
// on a v1 or hybrid host, else v2 in the unified hierarchy.
func cgroupValue(t *testing.T, cfg LaunchConfig, controller, v1, v2 string) string {
	t.Helper()
	paths := []string{
		filepath.Join("/sys/fs/cgroup", controller, cfg.CgroupPath, v1),
		filepath.Join("/sys/fs/cgroup", cfg.CgroupPath, v2),
	}
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			return strings.TrimSpace(string(data))
		}
	}
	t.Fatalf("none of %v readable", paths)
	return ""
}

func TestUpdate(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt string) {
		f := launch(t, newRuntimeConfig(t, rt, false, "sleep", "100"))
		if err := f.client.Start(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		limit, pids := int64(64<<20), int64(42)
		res := &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}, Pids: &specs.LinuxPids{Limit: &pids}}
		if err := f.client.Update(ctxT(t), res); err != nil {
			t.Fatal(err)
		}
		if got := cgroupValue(t, f.cfg, "memory", "memory.limit_in_bytes", "memory.max"); got != strconv.FormatInt(limit, 10) {
			t.Fatalf("memory limit %s, want %d", got, limit)
		}
		if got := cgroupValue(t, f.cfg, "pids", "pids.max", "pids.max"); got != "42" {
			t.Fatalf("pids limit %s, want 42", got)
		}
		// Only what is given changes.
		pids = 7
		if err := f.client.Update(ctxT(t), &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &pids}}); err != nil {
			t.Fatal(err)
		}
		if got := cgroupValue(t, f.cfg, "pids", "pids.max", "pids.max"); got != "7" {
			t.Fatalf("pids limit %s, want 7", got)
		}
		if got := cgroupValue(t, f.cfg, "memory", "memory.limit_in_bytes", "memory.max"); got != strconv.FormatInt(limit, 10) {
			t.Fatalf("memory limit %s after a pids update, want %d", got, limit)
		}
		if err := f.client.Update(ctxT(t), nil); err == nil {
			t.Fatal("update without resources succeeded")
		}
		leftovers, _ := filepath.Glob(filepath.Join(f.cfg.RuntimeRoot, ".resources-*"))
		if len(leftovers) > 0 {
			t.Fatalf("resource files left behind: %v", leftovers)
		}
	})
}

func TestPids(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt string) {
		f := launch(t, newRuntimeConfig(t, rt, false, "sleep", "100"))
		if err := f.client.Start(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		pids, err := f.client.Pids(ctxT(t))
		if err != nil || !slices.Equal(pids, []int{f.pid}) {
			t.Fatalf("pids %v %v, want just the init %d", pids, err, f.pid)
		}
		proc := &specs.Process{Args: []string{"sleep", "100"}, Cwd: "/", Env: []string{"PATH=/bin"}}
		conn, pid, err := f.client.Exec(ctxT(t), ExecRequest{ID: "sleeper", Process: proc, Detach: true})
		if err != nil {
			t.Fatal(err)
		}
		conn.Close()
		pids, err = f.client.Pids(ctxT(t))
		slices.Sort(pids)
		want := []int{f.pid, pid}
		slices.Sort(want)
		if err != nil || !slices.Equal(pids, want) {
			t.Fatalf("pids %v %v, want %v", pids, err, want)
		}
	})
}

func TestCheckpointUnsupported(t *testing.T) {
	f := launch(t, newConfig(t, false, "sleep", "100"))
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := f.client.Checkpoint(ctxT(t)); !errors.Is(err, ErrCheckpointUnsupported) {
		t.Fatalf("checkpoint: %v", err)
	}
	f.wantStatus("running")
}

// TestOpsAfterExit sends requests on connections the shim accepted while
// the container ran, once it has exited: each op that needs a running
// init answers ErrNotRunning's words, which the client maps back.
func TestOpsAfterExit(t *testing.T) {
	f := launch(t, newConfig(t, false, "sleep", "100"))
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	ops := []string{`{"op":"pause"}`, `{"op":"resume"}`, `{"op":"update","resources":{}}`, `{"op":"pids"}`}
	var conns []net.Conn
	for range ops {
		c, err := net.Dial("unix", f.cfg.Socket)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	if err := f.client.Kill(ctxT(t), syscall.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	f.waitExit(137)
	for i, c := range conns {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte(ops[i] + "\n")); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			t.Fatalf("%s: %v", ops[i], err)
		}
		if want := `{"error":"container is not running"}` + "\n"; line != want {
			t.Fatalf("%s answered %q, want %q", ops[i], line, want)
		}
	}
	if !errors.Is(replyError(ErrNotRunning.Error()), ErrNotRunning) {
		t.Fatal("the client does not map the answer back to ErrNotRunning")
	}
}
