package shim

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestExec(t *testing.T) {
	f := launch(t, newConfig(t, false, "sleep", "100"))
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	proc := &specs.Process{Args: []string{"sh", "-c", "echo hi; echo oops >&2; exit 5"}, Cwd: "/", Env: []string{"PATH=/bin"}}
	conn, pid, err := f.client.Exec(ctxT(t), ExecRequest{ID: "e1", Process: proc})
	if err != nil || pid <= 0 {
		t.Fatalf("exec: pid %d %v", pid, err)
	}
	stdout, stderr, code := frames(t, conn)
	conn.Close()
	if stdout != "hi\n" || stderr != "oops\n" || code != 5 {
		t.Fatalf("exec stdout %q stderr %q exit %d", stdout, stderr, code)
	}
	st, err := f.client.ExecState(ctxT(t), "e1")
	if err != nil || st.Running || st.ExitCode != 5 || st.Pid != pid {
		t.Fatalf("exec state %+v %v", st, err)
	}
	proc.Args = []string{"nope"}
	if _, _, err := f.client.Exec(ctxT(t), ExecRequest{ID: "e2", Process: proc}); err == nil || !strings.Contains(err.Error(), "executable file not found") {
		t.Fatalf("exec of a missing command: %v", err)
	}
	if err := f.client.Kill(ctxT(t), syscall.SIGKILL, true); err != nil {
		t.Fatal(err)
	}
	f.waitExit(137)
}

// TestExecKill ends a running exec (a health check past its timeout) and
// leaves an ended one alone.
func TestExecKill(t *testing.T) {
	f := launch(t, newConfig(t, false, "sleep", "100"))
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	proc := &specs.Process{Args: []string{"sleep", "100"}, Cwd: "/", Env: []string{"PATH=/bin"}}
	if _, _, err := f.client.Exec(ctxT(t), ExecRequest{ID: "k1", Process: proc, Detach: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.client.ExecKill(ctxT(t), "k1", syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	st, err := f.client.ExecWait(ctxT(t), "k1")
	if err != nil || st.Running || st.ExitCode != 137 {
		t.Fatalf("killed exec: %+v %v", st, err)
	}
	if err := f.client.ExecKill(ctxT(t), "k1", syscall.SIGKILL); err != nil {
		t.Fatalf("killing an ended exec: %v", err)
	}
	if err := f.client.ExecKill(ctxT(t), "nosuch", syscall.SIGKILL); err == nil {
		t.Fatal("killing an unknown exec succeeded")
	}
	// Deleting forgets an ended exec and refuses a running one.
	if _, _, err := f.client.Exec(ctxT(t), ExecRequest{ID: "k2", Process: proc, Detach: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.client.ExecDelete(ctxT(t), "k2"); err == nil || !strings.Contains(err.Error(), "still running") {
		t.Fatalf("deleting a running exec: %v", err)
	}
	if err := f.client.ExecDelete(ctxT(t), "k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.ExecState(ctxT(t), "k1"); err == nil {
		t.Fatal("a deleted exec is still known")
	}
	if err := f.client.Kill(ctxT(t), syscall.SIGKILL, true); err != nil {
		t.Fatal(err)
	}
	f.waitExit(137)
}

// launcherEnv makes the test binary act as a short-lived berthd: it
// launches a shim, prints the socket and exits without reaping it.
const launcherEnv = "BERTH_SHIM_TEST_LAUNCHER"

func runLauncher() {
	var cfg LaunchConfig
	cfg.Binary = os.Getenv("BERTH_SHIM_BINARY")
	cfg.Config, _ = ParseFlags(os.Args[1:])
	c, pid, err := Launch(context.Background(), cfg)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if err := c.Start(context.Background()); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(c.Process().Pid, pid)
	os.Exit(0)
}

// TestSurvivesLauncher runs the shim from a process that exits, as berthd
// does when it stops, and finds it again with Dial.
func TestSurvivesLauncher(t *testing.T) {
	cfg := newConfig(t, false, "sleep", "100")
	cmd := exec.Command(os.Args[0], cfg.Args()...)
	cmd.Env = append(os.Environ(), launcherEnv+"=1", "BERTH_SHIM_BINARY="+shimBinary)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("launcher: %v: %s", err, out)
	}
	var shimPid, initPid int
	if _, err := fmt.Sscan(string(out), &shimPid, &initPid); err != nil {
		t.Fatalf("launcher said %q", out)
	}
	t.Cleanup(func() { syscall.Kill(shimPid, syscall.SIGKILL) })
	c, err := Dial(cfg.Socket)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.State(ctxT(t))
	if err != nil || st.Status != "running" || st.Pid != initPid {
		t.Fatalf("state after the launcher exited: %+v %v", st, err)
	}
	if err := c.Kill(ctxT(t), syscall.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	if ws, err := c.Wait(ctxT(t)); err != nil || ws.ExitCode != 137 {
		t.Fatalf("wait: %+v %v", ws, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for processAlive(shimPid) {
		if time.Now().After(deadline) {
			t.Fatal("shim did not exit")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// processAlive is false for a gone or zombie process.
func processAlive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
