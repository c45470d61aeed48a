package shim

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestExitCodeAndCleanup(t *testing.T) {
	f := launch(t, newConfig(t, false, "sh", "-c", "exit 3"))
	if data, err := os.ReadFile(f.cfg.Bundle + "/init.pid"); err != nil || strings.TrimSpace(string(data)) == "" {
		t.Fatalf("init.pid: %q %v", data, err)
	}
	st, err := f.client.State(ctxT(t))
	if err != nil || st.Status != "created" || st.Pid != f.pid {
		t.Fatalf("state before start: %+v %v", st, err)
	}
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	f.waitExit(3)
	select {
	case <-f.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("shim still running after the container exited")
	}
	exit, err := ReadExitFile(f.cfg.ExitFile)
	if err != nil || exit.ExitCode != 3 || exit.ExitedAt.IsZero() {
		t.Fatalf("exit file: %+v %v", exit, err)
	}
	out, err := exec.Command(f.cfg.RuntimePath, "--root", f.cfg.RuntimeRoot, "state", f.cfg.ID).CombinedOutput()
	if err == nil {
		t.Fatalf("runtime state still there: %s", out)
	}
	if _, err := os.Stat(f.cfg.Socket); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
	if _, err := Dial(f.cfg.Socket); err == nil {
		t.Fatal("dial succeeded after the shim exited")
	}
}

func TestKill(t *testing.T) {
	f := launch(t, newConfig(t, false, "sleep", "100"))
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	st, err := f.client.State(ctxT(t))
	if err != nil || st.Status != "running" {
		t.Fatalf("state: %+v %v", st, err)
	}
	if err := f.client.Kill(ctxT(t), syscall.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	f.waitExit(137)
	if err := f.client.Kill(ctxT(t), syscall.SIGKILL, false); err == nil {
		t.Fatal("kill after exit succeeded")
	}
}

func TestAttachFramesAndLog(t *testing.T) {
	f := launch(t, newConfig(t, false, "sh", "-c", "echo out; echo err >&2; printf partial"))
	conn, tty, err := f.client.Attach(ctxT(t), false, true, true)
	if err != nil || tty {
		t.Fatalf("attach: tty=%v %v", tty, err)
	}
	defer conn.Close()
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, _ := frames(t, conn)
	if stdout != "out\npartial" || stderr != "err\n" {
		t.Fatalf("stdout %q stderr %q", stdout, stderr)
	}
	f.waitExit(0)
	<-f.exited
	log, err := os.Open(f.cfg.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	got := map[string]string{}
	sc := bufio.NewScanner(log)
	for sc.Scan() {
		var e struct{ Log, Stream, Time string }
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Time == "" {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		got[e.Stream] += e.Log
	}
	if got["stdout"] != "out\npartial" || got["stderr"] != "err\n" {
		t.Fatalf("log: %q", got)
	}
}

func TestStdinOnce(t *testing.T) {
	cfg := newConfig(t, false, "cat")
	cfg.Stdin, cfg.StdinOnce = true, true
	f := launch(t, cfg)
	conn, _, err := f.client.Attach(ctxT(t), true, true, true)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("hello\n"))
	conn.(interface{ CloseWrite() error }).CloseWrite()
	stdout, _, _ := frames(t, conn)
	if stdout != "hello\n" {
		t.Fatalf("stdout %q", stdout)
	}
	f.waitExit(0)
}

func TestTTYAttachResize(t *testing.T) {
	cfg := newConfig(t, true, "sh", "-c", "read x; stty size; echo got $x")
	cfg.Stdin = true
	f := launch(t, cfg)
	conn, tty, err := f.client.Attach(ctxT(t), true, true, true)
	if err != nil || !tty {
		t.Fatalf("attach: tty=%v %v", tty, err)
	}
	defer conn.Close()
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := f.client.Resize(ctxT(t), "", 100, 40); err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("abc\r"))
	var out strings.Builder
	buf := make([]byte, 1024)
	for {
		n, err := conn.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if !strings.Contains(out.String(), "40 100\r\n") || !strings.Contains(out.String(), "got abc\r\n") {
		t.Fatalf("tty output %q", out.String())
	}
	f.waitExit(0)
}

func TestMissingCommand(t *testing.T) {
	cfg := newConfig(t, false, "nope")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _, err := Launch(ctx, cfg)
	want := `exec: "nope": executable file not found in $PATH`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("launch error %v, want it to hold %s", err, want)
	}
	out, serr := exec.Command(cfg.RuntimePath, "--root", cfg.RuntimeRoot, "state", cfg.ID).CombinedOutput()
	if serr == nil {
		t.Fatalf("runtime state left behind: %s", out)
	}
}
