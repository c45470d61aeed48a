package supervisor

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func frameOf(stream byte, p string) []byte {
	b := make([]byte, 8+len(p))
	b[0] = stream
	binary.BigEndian.PutUint32(b[4:], uint32(len(p)))
	copy(b[8:], p)
	return b
}

// framer is a client stream that frames what it is given, as the router's
// does, and offers the connection beneath.
type framer struct {
	stream byte
	conn   *syncBuffer
}

func (f framer) Write(p []byte) (int, error) {
	f.conn.Write(frameOf(f.stream, string(p)))
	return len(p), nil
}
func (f framer) Raw() io.Writer { return f.conn }

var _ backend.FramedWriter = framer{}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestFramedOutputIsNotFramedTwice(t *testing.T) {
	in := append(frameOf(1, "out"), frameOf(2, "err")...)
	conn := &syncBuffer{}
	copyOutput(bytes.NewReader(in), true, framer{1, conn}, framer{2, conn})
	if conn.String() != string(in) {
		t.Fatalf("client got %q, want the task's frames unchanged %q", conn.String(), in)
	}
}

func TestFramedOutputSplitForPlainWriters(t *testing.T) {
	in := append(append(frameOf(1, "a"), frameOf(2, "b")...), frameOf(1, "c")...)
	var out, errw bytes.Buffer
	copyOutput(bytes.NewReader(in), true, &out, &errw)
	if out.String() != "ac" || errw.String() != "b" {
		t.Fatalf("stdout %q stderr %q", out.String(), errw.String())
	}
}

func TestRawOutputCopied(t *testing.T) {
	var out bytes.Buffer
	copyOutput(strings.NewReader("\x1b[31mtty"), false, &out, nil)
	if out.String() != "\x1b[31mtty" {
		t.Fatalf("got %q", out.String())
	}
}

// streamsOf returns a backend.Streams over buffers, recording whether it
// was asked for multiplexed streams.
func streamsOf(stdin io.Reader, out *syncBuffer, mux *bool) backend.Streams {
	return func(multiplexed bool) (io.ReadCloser, io.Writer, io.Writer, error) {
		*mux = multiplexed
		if stdin == nil {
			stdin = strings.NewReader("")
		}
		if multiplexed {
			return io.NopCloser(stdin), framer{1, out}, framer{2, out}, nil
		}
		return io.NopCloser(stdin), out, out, nil
	}
}

func TestAttachBeforeStartSeesAllOutput(t *testing.T) {
	h := newHarness(t)
	c := h.add("a", apicontainer.HostConfig{})
	want := string(frameOf(1, "hello\n"))
	h.rt.prepare = func(t *fakeTask) { t.attachOut = []byte(want) }
	out := &syncBuffer{}
	var mux bool
	done := make(chan error, 1)
	go func() {
		done <- h.sup.Attach(ctx, c.ID, AttachOptions{AttachOptions: backend.AttachOptions{
			Stdout: true, Stderr: true, Stream: true, GetStreams: streamsOf(nil, out, &mux)}})
	}()
	h.eventually("attach pending", func() bool {
		h.sup.pending.mu.Lock()
		defer h.sup.pending.mu.Unlock()
		return len(h.sup.pending.m[c.ID]) == 1
	})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	h.rt.task(c.ID).exitWith(0, false)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !mux || out.String() != want {
		t.Fatalf("multiplexed=%v output %q, want %q", mux, out.String(), want)
	}
}

func TestAttachEndsWhenStartFails(t *testing.T) {
	h := newHarness(t)
	c := h.add("f", apicontainer.HostConfig{})
	out := &syncBuffer{}
	var mux bool
	done := make(chan error, 1)
	go func() {
		done <- h.sup.Attach(ctx, c.ID, AttachOptions{AttachOptions: backend.AttachOptions{
			Stdout: true, Stream: true, GetStreams: streamsOf(nil, out, &mux)}})
	}()
	h.eventually("attach pending", func() bool {
		h.sup.pending.mu.Lock()
		defer h.sup.pending.mu.Unlock()
		return len(h.sup.pending.m[c.ID]) == 1
	})
	h.env.prepareErr = errdefs.ErrInvalidArgument.WithMessage("bad mount")
	if err := h.sup.Start(ctx, c.ID); err == nil {
		t.Fatal("start succeeded")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("attach still waits for a start that failed")
	}
}

func TestAttachRefusals(t *testing.T) {
	h := newHarness(t)
	c := h.add("p", apicontainer.HostConfig{})
	h.sup.Start(ctx, c.ID)
	h.sup.Pause(ctx, c.ID)
	err := h.sup.Attach(ctx, c.ID, AttachOptions{})
	if !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "unpause it first") {
		t.Fatalf("attach to paused: %v", err)
	}
	if err := h.sup.Attach(ctx, c.ID, AttachOptions{AttachOptions: backend.AttachOptions{DetachKeys: "ctrl-"}}); !errdefs.IsInvalidArgument(err) {
		t.Fatalf("bad detach keys: %v", err)
	}
}

func TestAttachReplaysLogsWithoutStream(t *testing.T) {
	h := newHarness(t)
	c := h.add("l", apicontainer.HostConfig{})
	out := &syncBuffer{}
	var mux bool
	err := h.sup.Attach(ctx, c.ID, AttachOptions{
		AttachOptions: backend.AttachOptions{Stdout: true, Logs: true, GetStreams: streamsOf(nil, out, &mux)},
		Replay: func(ctx context.Context, c *container.Container, stdout, stderr io.Writer) {
			stdout.Write([]byte("old\n"))
		},
	})
	if err != nil || out.String() != string(frameOf(1, "old\n")) {
		t.Fatalf("err %v, output %q", err, out.String())
	}
}

func TestExecAttachedReportsExitCode(t *testing.T) {
	h := newHarness(t)
	c := h.add("e", apicontainer.HostConfig{})
	if _, err := h.sup.ExecCreate(ctx, c.ID, &apicontainer.ExecCreateRequest{Cmd: []string{"ls"}}); !errdefs.IsConflict(err) {
		t.Fatalf("exec in created container: %v", err)
	}
	h.sup.Start(ctx, c.ID)
	task := h.rt.task(c.ID)
	task.mu.Lock()
	task.execs["ls"] = &fakeExec{out: frameOf(1, "bin\n"), code: 3, done: make(chan struct{})}
	task.mu.Unlock()
	if _, err := h.sup.ExecCreate(ctx, c.ID, &apicontainer.ExecCreateRequest{}); !errdefs.IsInvalidArgument(err) {
		t.Fatalf("exec without command: %v", err)
	}
	id, err := h.sup.ExecCreate(ctx, c.ID, &apicontainer.ExecCreateRequest{Cmd: []string{"ls"}, AttachStdout: true, Env: []string{"A=1"}})
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	var mux bool
	if err := h.sup.ExecStart(ctx, id, backend.ExecStartOptions{GetStreams: streamsOf(nil, out, &mux)}); err != nil {
		t.Fatal(err)
	}
	if out.String() != string(frameOf(1, "bin\n")) {
		t.Fatalf("exec output %q", out.String())
	}
	ins, err := h.sup.ExecInspect(ctx, id)
	if err != nil || ins.Running || ins.ExitCode == nil || *ins.ExitCode != 3 || ins.Pid != 99 {
		t.Fatalf("inspect %+v err %v", ins, err)
	}
	if err := h.sup.ExecStart(ctx, id, backend.ExecStartOptions{}); !errdefs.IsConflict(err) {
		t.Fatalf("second start: %v", err)
	}
	if !h.sawEvent("exec_die") {
		t.Fatal("no exec_die event")
	}
}

func TestExecDetachedAndFailed(t *testing.T) {
	h := newHarness(t)
	c := h.add("d", apicontainer.HostConfig{})
	h.sup.Start(ctx, c.ID)
	task := h.rt.task(c.ID)
	task.mu.Lock()
	task.execs["true"] = &fakeExec{code: 0, done: make(chan struct{})}
	task.mu.Unlock()
	id, _ := h.sup.ExecCreate(ctx, c.ID, &apicontainer.ExecCreateRequest{Cmd: []string{"true"}})
	if err := h.sup.ExecStart(ctx, id, backend.ExecStartOptions{Detach: true}); err != nil {
		t.Fatal(err)
	}
	h.eventually("detached exec ended", func() bool {
		ins, _ := h.sup.ExecInspect(ctx, id)
		return ins.ExitCode != nil && *ins.ExitCode == 0 && !ins.Running
	})
	h.eventually("exec_die of a detached exec", func() bool { return h.sawEvent("exec_die") })
	bad, _ := h.sup.ExecCreate(ctx, c.ID, &apicontainer.ExecCreateRequest{Cmd: []string{"nope"}})
	if err := h.sup.ExecStart(ctx, bad, backend.ExecStartOptions{Detach: true}); err == nil {
		t.Fatal("exec of a missing command succeeded")
	}
	ins, _ := h.sup.ExecInspect(ctx, bad)
	if ins.ExitCode == nil || *ins.ExitCode != 127 {
		t.Fatalf("missing command exit code %v, want 127", ins.ExitCode)
	}
	if _, err := h.sup.ExecInspect(ctx, "nosuch"); !errdefs.IsNotFound(err) || err.Error() != "No such exec instance: nosuch" {
		t.Fatalf("inspect unknown exec: %v", err)
	}
}

func TestPauseResumeUpdatePids(t *testing.T) {
	h := newHarness(t)
	c := h.add("p", apicontainer.HostConfig{})
	if err := h.sup.Pause(ctx, c.ID); !errdefs.IsConflict(err) {
		t.Fatalf("pause of created: %v", err)
	}
	h.sup.Start(ctx, c.ID)
	if err := h.sup.Resume(ctx, c.ID); !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "is not paused") {
		t.Fatalf("unpause of running: %v", err)
	}
	if err := h.sup.Pause(ctx, c.ID); err != nil || h.status(c.ID) != container.Paused {
		t.Fatalf("pause: %v, %s", err, h.status(c.ID))
	}
	if err := h.sup.Pause(ctx, c.ID); !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "already paused") {
		t.Fatalf("second pause: %v", err)
	}
	if err := h.sup.Resume(ctx, c.ID); err != nil || h.status(c.ID) != container.Running {
		t.Fatalf("unpause: %v, %s", err, h.status(c.ID))
	}
	limit := int64(64 << 20)
	res := &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}}
	if err := h.sup.UpdateResources(ctx, h.get(c.ID), res); err != nil || h.rt.task(c.ID).updated != res {
		t.Fatalf("update: %v", err)
	}
	if pids, err := h.sup.Pids(ctx, h.get(c.ID)); err != nil || len(pids) != 1 {
		t.Fatalf("pids %v %v", pids, err)
	}
	thaw, err := h.sup.Freeze(ctx, h.get(c.ID))
	if err != nil || h.rt.task(c.ID).status != "paused" {
		t.Fatalf("freeze: %v", err)
	}
	thaw()
	if h.rt.task(c.ID).status != "running" {
		t.Fatal("thaw left the task paused")
	}
}
