package shim

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/runtime"
	"github.com/berth/berth/internal/testutil"
	"github.com/berth/berth/internal/testutil/need"
)

// shimBinary is the berth-shim built once for the package's tests.
var shimBinary string

func TestMain(m *testing.M) {
	if os.Getenv(launcherEnv) != "" {
		runLauncher()
		return
	}
	dir, err := os.MkdirTemp("", "berth-shim-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shimBinary = filepath.Join(dir, "berth-shim")
	build := exec.Command("go", "build", "-ldflags=-s -w", "-o", shimBinary, "github.com/berth/berth/cmd/berth-shim")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build berth-shim: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var seq atomic.Int32

// fixture is one container under test with its shim.
type fixture struct {
	t      *testing.T
	cfg    LaunchConfig
	client *Client
	pid    int
	exited chan struct{} // closed when the shim process was reaped
}

// newConfig writes a bundle running args and returns the shim's config,
// with runc as the runtime.
func newConfig(t *testing.T, tty bool, args ...string) LaunchConfig {
	t.Helper()
	return newRuntimeConfig(t, "runc", tty, args...)
}

// newRuntimeConfig is newConfig with the runtime called name; the test is
// skipped when that runtime is missing or cannot run containers here.
func newRuntimeConfig(t *testing.T, name string, tty bool, args ...string) LaunchConfig {
	t.Helper()
	need.Root(t, "the shim runs containers")
	need.Command(t, name, name)
	rt, err := runtime.Detect(name)
	if err != nil {
		t.Skip(err)
	}
	if err := runtime.Works(context.Background(), rt); err != nil {
		t.Skip(err)
	}
	rtPath := rt.Path
	bundle := t.TempDir()
	rootfs := filepath.Join(bundle, "rootfs")
	os.Mkdir(rootfs, 0o755)
	untar := exec.Command("tar", "-x", "-C", rootfs)
	untar.Stdin = bytes.NewReader(testutil.BusyboxRootfs(t))
	if out, err := untar.CombinedOutput(); err != nil {
		t.Fatalf("tar: %v: %s", err, out)
	}
	id := fmt.Sprintf("shimtest-%d-%d", os.Getpid(), seq.Add(1))
	spec := map[string]any{
		"ociVersion": "1.0.2",
		"process": map[string]any{
			"terminal": tty, "args": args, "cwd": "/",
			"env":  []string{"PATH=/bin", "TERM=xterm"},
			"user": map[string]any{"uid": 0, "gid": 0},
		},
		"root":     map[string]any{"path": "rootfs"},
		"hostname": "shimtest",
		"mounts": []map[string]any{
			{"destination": "/proc", "type": "proc", "source": "proc"},
			{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": []string{"nosuid", "mode=755"}},
			{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
		},
		"linux": map[string]any{
			"cgroupsPath": "/berth/" + id,
			"namespaces":  []map[string]string{{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}},
		},
	}
	data, _ := json.Marshal(spec)
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	stateRoot := filepath.Join(t.TempDir(), name)
	t.Cleanup(func() {
		exec.Command(rtPath, "--root", stateRoot, "delete", "--force", id).Run()
		cgroups, _ := filepath.Glob("/sys/fs/cgroup/*/berth/" + id)
		for _, cg := range cgroups {
			os.Remove(cg)
		}
	})
	return LaunchConfig{Binary: shimBinary, Config: Config{
		ID: id, Bundle: bundle, RuntimeName: name, RuntimePath: rtPath, RuntimeRoot: stateRoot,
		Socket: filepath.Join(bundle, "shim.sock"), ExitFile: filepath.Join(bundle, "exit.json"),
		LogPath: filepath.Join(bundle, id+"-json.log"), LogMaxFile: 1, TTY: tty,
		CgroupPath: "/berth/" + id,
	}}
}

// eachRuntime runs test once per runtime as a subtest; newRuntimeConfig
// skips a runtime that cannot run containers here.
func eachRuntime(t *testing.T, test func(t *testing.T, runtime string)) {
	for _, name := range []string{"runc", "crun"} {
		t.Run(name, func(t *testing.T) { test(t, name) })
	}
}

// launch starts the shim for cfg; the cleanup kills and reaps it.
func launch(t *testing.T, cfg LaunchConfig) *fixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, pid, err := Launch(ctx, cfg)
	if err != nil {
		t.Fatalf("launch: %v", err)
	}
	f := &fixture{t: t, cfg: cfg, client: c, pid: pid, exited: make(chan struct{})}
	go func() { c.Process().Wait(); close(f.exited) }()
	t.Cleanup(func() {
		c.Process().Signal(syscall.SIGKILL)
		<-f.exited
	})
	return f
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitExit waits for the container's exit and checks its code.
func (f *fixture) waitExit(want int) ExitStatus {
	f.t.Helper()
	st, err := f.client.Wait(ctxT(f.t))
	if err != nil {
		// A shim whose container already ended may be gone by now; as
		// berthd does, read the status it left in the exit file.
		if st, err = ReadExitFile(f.cfg.ExitFile); err != nil {
			f.t.Fatalf("wait, and no exit file: %v", err)
		}
	}
	if st.ExitCode != want {
		f.t.Fatalf("exit code %d, want %d", st.ExitCode, want)
	}
	return st
}

// frames reads a multiplexed stream to its end.
func frames(t *testing.T, r io.Reader) (stdout, stderr string, exit int) {
	t.Helper()
	exit = -1
	var out, errb bytes.Buffer
	for {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return out.String(), errb.String(), exit
		}
		p := make([]byte, binary.BigEndian.Uint32(hdr[4:]))
		if _, err := io.ReadFull(r, p); err != nil {
			t.Fatalf("short frame: %v", err)
		}
		switch hdr[0] {
		case StreamStdout:
			out.Write(p)
		case StreamStderr:
			errb.Write(p)
		case StreamExit:
			exit = int(binary.BigEndian.Uint32(p))
		default:
			t.Fatalf("stream type %d", hdr[0])
		}
	}
}
