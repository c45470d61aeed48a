package shim

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// dockerFrame is one frame of Docker's multiplexed stream, built by hand
// from the format's definition: stream type, three zero bytes, big-endian
// payload length, payload.
func dockerFrame(stream byte, payload string) []byte {
	hdr := make([]byte, 8)
	hdr[0] = stream
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(payload)))
	return append(hdr, payload...)
}

// readAll reads an exec stream until the shim closes it.
func readAll(t *testing.T, conn net.Conn) []byte {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	data, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("read exec stream: %v (got %q)", err, data)
	}
	return data
}

func shProc(script string) *specs.Process {
	return &specs.Process{Args: []string{"sh", "-c", script}, Cwd: "/", Env: []string{"PATH=/bin", "TERM=xterm"}}
}

func TestExecDockerStream(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt string) {
		f := launch(t, newRuntimeConfig(t, rt, false, "sleep", "100"))
		if err := f.client.Start(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name   string
			req    ExecRequest
			stdin  string
			want   []byte
			status int
		}{
			{
				name: "both streams",
				req:  ExecRequest{Process: shProc("echo out; sleep 0.3; echo err >&2; exit 3"), Stdout: true, Stderr: true},
				want: append(dockerFrame(StreamStdout, "out\n"), dockerFrame(StreamStderr, "err\n")...), status: 3,
			},
			{
				name: "stdout only",
				req:  ExecRequest{Process: shProc("echo out; echo err >&2"), Stdout: true},
				want: dockerFrame(StreamStdout, "out\n"),
			},
			{
				name: "stderr only",
				req:  ExecRequest{Process: shProc("echo out; echo err >&2"), Stderr: true},
				want: dockerFrame(StreamStderr, "err\n"),
			},
			{
				name:  "stdin",
				req:   ExecRequest{Process: shProc("cat"), Stdin: true, Stdout: true, Stderr: true},
				stdin: "ping", want: dockerFrame(StreamStdout, "ping"),
			},
			{
				name: "tty",
				req:  ExecRequest{Process: shProc(`printf 'a\nb'; exit 4`), TTY: true, Stdout: true, Stderr: true},
				want: []byte("a\r\nb"), status: 4,
			},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.req.ID = "wire" + string(rune('a'+i))
				c.req.DockerStream = true
				c.req.Process.Terminal = c.req.TTY
				conn, pid, err := f.client.Exec(ctxT(t), c.req)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				if c.req.Stdin {
					conn.Write([]byte(c.stdin))
					conn.(interface{ CloseWrite() error }).CloseWrite()
				}
				if got := readAll(t, conn); !bytes.Equal(got, c.want) {
					t.Fatalf("stream %q, want %q", got, c.want)
				}
				st, err := f.client.ExecWait(ctxT(t), c.req.ID)
				if err != nil || st.Running || st.ExitCode != c.status || st.Pid != pid {
					t.Fatalf("exec wait %+v %v, want exit %d of pid %d", st, err, c.status, pid)
				}
			})
		}
	})
}

func TestExecWaitCodes(t *testing.T) {
	eachRuntime(t, func(t *testing.T, rt string) {
		cfg := newRuntimeConfig(t, rt, false, "sleep", "100")
		rootfs := filepath.Join(cfg.Bundle, "rootfs")
		if err := os.WriteFile(filepath.Join(rootfs, "plain"), []byte("#!/bin/sh\necho no\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f := launch(t, cfg)
		if err := f.client.Start(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name    string
			args    []string
			tty     bool
			code    int
			started bool
		}{
			{"success", []string{"true"}, false, 0, true},
			{"exit 3", []string{"sh", "-c", "exit 3"}, false, 3, true},
			{"missing", []string{"nope"}, false, 127, false},
			{"missing path", []string{"/nope"}, false, 127, false},
			{"missing with tty", []string{"nope"}, true, 127, false},
			{"not executable", []string{"/plain"}, false, 126, false},
			{"directory", []string{"/bin"}, false, 126, false},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				id := "code" + string(rune('a'+i))
				proc := &specs.Process{Args: c.args, Cwd: "/", Env: []string{"PATH=/bin"}, Terminal: c.tty}
				conn, _, err := f.client.Exec(ctxT(t), ExecRequest{ID: id, Process: proc, TTY: c.tty, DockerStream: true, Stdout: true, Stderr: true})
				if c.started {
					if err != nil {
						t.Fatal(err)
					}
					readAll(t, conn)
					conn.Close()
				} else if err == nil {
					conn.Close()
					t.Fatal("exec started")
				} else {
					t.Logf("exec error: %v", err)
				}
				st, err := f.client.ExecWait(ctxT(t), id)
				if err != nil || st.Running || st.ExitCode != c.code {
					t.Fatalf("exec wait %+v %v, want exit %d", st, err, c.code)
				}
				if st, err := f.client.ExecState(ctxT(t), id); err != nil || st.Running || st.ExitCode != c.code {
					t.Fatalf("exec state %+v %v, want exit %d", st, err, c.code)
				}
			})
		}
		if _, err := f.client.ExecWait(ctxT(t), "unknown"); err == nil || !strings.Contains(err.Error(), "no such exec") {
			t.Fatalf("exec wait of an unknown exec: %v", err)
		}
	})
}

// TestExecWaitBlocks waits for a detached exec that is still running.
func TestExecWaitBlocks(t *testing.T) {
	f := launch(t, newConfig(t, false, "sleep", "100"))
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	conn, pid, err := f.client.Exec(ctxT(t), ExecRequest{ID: "bg", Process: shProc("sleep 0.5; exit 4"), Detach: true, DockerStream: true})
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if st, err := f.client.ExecState(ctxT(t), "bg"); err != nil || !st.Running {
		t.Fatalf("exec state right after start: %+v %v", st, err)
	}
	st, err := f.client.ExecWait(ctxT(t), "bg")
	if err != nil || st.Running || st.ExitCode != 4 || st.Pid != pid {
		t.Fatalf("exec wait %+v %v", st, err)
	}
	if err := f.client.Kill(ctxT(t), syscall.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	f.waitExit(137)
}

// TestExecWaitAcrossContainerExit waits for an exec that dies with its
// container: the wait, started alongside the stream, gets the exec's code
// although the shim ends right after.
func TestExecWaitAcrossContainerExit(t *testing.T) {
	f := launch(t, newConfig(t, false, "sleep", "100"))
	if err := f.client.Start(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	conn, _, err := f.client.Exec(ctxT(t), ExecRequest{ID: "long", Process: shProc("echo up; exec sleep 100"), DockerStream: true, Stdout: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	type result struct {
		st  ExecStatus
		err error
	}
	waited := make(chan result, 1)
	go func() {
		st, err := f.client.ExecWait(ctxT(t), "long")
		waited <- result{st, err}
	}()
	// The wait's connection is in before the init dies.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if n := shimConnections(t, f); n >= 2 || time.Now().After(deadline) {
			break
		}
	}
	if err := f.client.Kill(ctxT(t), syscall.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	if got, want := readAll(t, conn), dockerFrame(StreamStdout, "up\n"); !bytes.Equal(got, want) {
		t.Fatalf("stream %q, want %q", got, want)
	}
	r := <-waited
	if r.err != nil || r.st.Running || r.st.ExitCode != 137 {
		t.Fatalf("exec wait %+v %v, want exit 137", r.st, r.err)
	}
	<-f.exited
}

// shimConnections counts the unix sockets the shim process has open
// beyond its listener: the connections it accepted.
func shimConnections(t *testing.T, f *fixture) int {
	dir := "/proc/" + strconv.Itoa(f.client.Process().Pid) + "/fd"
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if l, _ := os.Readlink(filepath.Join(dir, e.Name())); strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n - 1
}
