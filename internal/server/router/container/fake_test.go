package container_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

const fakeID = "c0ffee0000000000000000000000000000000000000000000000000000000001"

// fakeBackend knows the containers "web" (running, no TTY), "tty" (running,
// TTY) and "idle" (created); every other name is not found. It records the
// calls it gets, one line each.
type fakeBackend struct {
	mu      sync.Mutex
	calls   []string
	create  *container.CreateRequest
	list    backend.ContainerListOptions
	logs    backend.LogsOptions
	stdin   chan string // what attach and exec read from stdin, once at EOF
	waitReg chan struct{}
	exit    chan container.WaitResponse
	put     string
}

func newFake() *fakeBackend {
	return &fakeBackend{stdin: make(chan string, 1), waitReg: make(chan struct{}, 1),
		exit: make(chan container.WaitResponse, 1)}
}

func (f *fakeBackend) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeBackend) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return ""
	}
	return f.calls[len(f.calls)-1]
}

// got returns what the last create, list and logs calls received.
func (f *fakeBackend) got() (*container.CreateRequest, backend.ContainerListOptions, backend.LogsOptions) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.create, f.list, f.logs
}

func created(f *fakeBackend) *container.CreateRequest {
	c, _, _ := f.got()
	return c
}

func known(name string) (tty bool, err error) {
	switch strings.TrimPrefix(name, "/") {
	case "web", "idle", fakeID, fakeID[:12]:
		return false, nil
	case "tty":
		return true, nil
	}
	return false, errdefs.ErrNotFound.WithMessage("No such container: " + name)
}

func (f *fakeBackend) ContainerCreate(_ context.Context, name string, req *container.CreateRequest, platform string) (container.CreateResponse, error) {
	f.mu.Lock()
	f.create = req
	f.mu.Unlock()
	f.record("create %s %s", name, platform)
	if req.Image == "missing" {
		return container.CreateResponse{}, errdefs.ErrNotFound.WithMessage("No such image: missing:latest")
	}
	return container.CreateResponse{ID: fakeID}, nil
}

func (f *fakeBackend) ContainerStart(_ context.Context, name string) error {
	f.record("start %s", name)
	if _, err := known(name); err != nil {
		return err
	}
	if name == "web" {
		return errdefs.ErrNotModified
	}
	return nil
}

func (f *fakeBackend) ContainerStop(_ context.Context, name string, o backend.StopOptions) error {
	t := "nil"
	if o.Timeout != nil {
		t = fmt.Sprint(*o.Timeout)
	}
	f.record("stop %s %s %s", name, o.Signal, t)
	_, err := known(name)
	return err
}

func (f *fakeBackend) ContainerRestart(_ context.Context, name string, o backend.StopOptions) error {
	f.record("restart %s %s", name, o.Signal)
	_, err := known(name)
	return err
}

func (f *fakeBackend) ContainerKill(_ context.Context, name, signal string) error {
	f.record("kill %s %s", name, signal)
	_, err := known(name)
	return err
}

func (f *fakeBackend) ContainerPause(_ context.Context, name string) error {
	f.record("pause %s", name)
	return nil
}

func (f *fakeBackend) ContainerUnpause(_ context.Context, name string) error {
	f.record("unpause %s", name)
	return nil
}

func (f *fakeBackend) ContainerRename(_ context.Context, name, newName string) error {
	f.record("rename %s %s", name, newName)
	return nil
}

func (f *fakeBackend) ContainerRemove(_ context.Context, name string, o backend.RemoveOptions) error {
	f.record("remove %s force=%v v=%v link=%v", name, o.Force, o.RemoveVolumes, o.RemoveLink)
	_, err := known(name)
	return err
}

func (f *fakeBackend) ContainerWait(_ context.Context, name string, cond container.WaitCondition) (<-chan container.WaitResponse, error) {
	f.record("wait %s %s", name, cond)
	if _, err := known(name); err != nil {
		return nil, err
	}
	select {
	case f.waitReg <- struct{}{}:
	default:
	}
	return f.exit, nil
}

func (f *fakeBackend) Containers(_ context.Context, o backend.ContainerListOptions) ([]container.Summary, error) {
	f.mu.Lock()
	f.list = o
	f.mu.Unlock()
	return []container.Summary{{ID: fakeID, Names: []string{"/web"}, Image: "busybox", Command: "sh",
		Created: time.Now().Unix() - 60, State: container.StateRunning, Status: "Up 1 minute"}}, nil
}

func (f *fakeBackend) ContainerInspect(_ context.Context, name string, size bool) (*container.InspectResponse, error) {
	f.record("inspect %s size=%v", name, size)
	tty, err := known(name)
	if err != nil {
		return nil, err
	}
	return &container.InspectResponse{ID: fakeID, Name: "/" + name, Config: &container.Config{Tty: tty},
		State: &container.State{Status: container.StateRunning, Running: true}}, nil
}

func (f *fakeBackend) ContainersPrune(_ context.Context, a filters.Args) (*container.PruneReport, error) {
	f.record("prune %v", a.Get("until"))
	return &container.PruneReport{}, nil
}

func (f *fakeBackend) ContainerUpdate(_ context.Context, name string, c *container.UpdateConfig) (container.UpdateResponse, error) {
	pids := "nil"
	if c.PidsLimit != nil {
		pids = fmt.Sprint(*c.PidsLimit)
	}
	f.record("update %s mem=%d pids=%s", name, c.Memory, pids)
	return container.UpdateResponse{}, nil
}

// stream plays a short session: output on both streams, then stdin echoed
// back once the client half-closes it.
func (f *fakeBackend) stream(get backend.Streams, tty, stdin bool) error {
	in, out, errw, err := get(!tty)
	if err != nil {
		return err
	}
	_, _ = io.WriteString(out, "out\n")
	_, _ = io.WriteString(errw, "err\n")
	if stdin {
		b, _ := io.ReadAll(in)
		f.stdin <- string(b)
		_, _ = io.WriteString(out, "got "+string(b))
	}
	return nil
}

func (f *fakeBackend) ContainerAttach(ctx context.Context, name string, o backend.AttachOptions) error {
	f.record("attach %s stdin=%v stream=%v keys=%s", name, o.Stdin, o.Stream, o.DetachKeys)
	if name == "quiet" { // no output: only the client's going ends it
		if _, _, _, err := o.GetStreams(true); err != nil {
			return err
		}
		<-ctx.Done()
		f.record("attach quiet ended")
		return nil
	}
	tty, err := known(name)
	if err != nil {
		return err
	}
	return f.stream(o.GetStreams, tty, o.Stdin)
}

func (f *fakeBackend) ContainerResize(_ context.Context, name string, h, w uint) error {
	f.record("resize %s %dx%d", name, h, w)
	return nil
}

func (f *fakeBackend) ContainerLogs(_ context.Context, name string, o backend.LogsOptions) (<-chan backend.LogMessage, bool, error) {
	f.mu.Lock()
	f.logs = o
	f.mu.Unlock()
	tty, err := known(name)
	if err != nil {
		return nil, false, err
	}
	ch := make(chan backend.LogMessage, 2)
	at := time.Date(2024, 5, 6, 7, 8, 9, 120000000, time.FixedZone("X", 3600))
	ch <- backend.LogMessage{Stream: "stdout", Line: []byte("hello\n"), Time: at}
	ch <- backend.LogMessage{Stream: "stderr", Line: []byte("oops\n"), Time: at}
	close(ch)
	return ch, tty, nil
}

func (f *fakeBackend) ContainerTop(_ context.Context, name, psArgs string) (*container.TopResponse, error) {
	f.record("top %s %s", name, psArgs)
	return &container.TopResponse{Titles: []string{"PID"}, Processes: [][]string{{"1"}}}, nil
}

func (f *fakeBackend) ContainerStats(_ context.Context, name string, stream bool) (<-chan container.StatsResponse, error) {
	f.record("stats %s stream=%v", name, stream)
	ch := make(chan container.StatsResponse, 2)
	ch <- container.StatsResponse{Name: "/" + name}
	ch <- container.StatsResponse{Name: "/" + name}
	close(ch)
	return ch, nil
}

func (f *fakeBackend) ContainerChanges(_ context.Context, name string) ([]container.FilesystemChange, error) {
	return nil, nil
}

func (f *fakeBackend) ContainerExport(_ context.Context, name string, w io.Writer) error {
	_, err := io.WriteString(w, "tar of "+name)
	return err
}
