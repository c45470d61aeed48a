package supervisor

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/container"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	bolt "go.etcd.io/bbolt"
)

// fakeTask is a Task whose process lives until it is signalled with a
// signal it does not ignore, or told to exit.
type fakeTask struct {
	id      string
	mu      sync.Mutex
	status  string
	ignore  map[syscall.Signal]bool
	exitOn  map[syscall.Signal]int // signal → exit code
	signals []syscall.Signal
	done    chan struct{}
	lost    chan struct{} // closed when the shim "dies" without an exit
	exit    Exit
	// attachOut is written to each attach stream, then the stream ends
	// when the task exits.
	attachOut []byte
	execs     map[string]*fakeExec
	startErr  error
	updated   *specs.LinuxResources
	// probe, when set, runs every exec of a health check (a Process whose
	// Args are the probe's command): a fresh process per call that prints
	// out, exits with code, or with hang runs until it is killed.
	probe func(args []string) (out string, code int, hang bool)
	// probes counts the probe execs started; killed those ExecKill ended.
	probes, killed int
}

type fakeExec struct {
	out  []byte
	code int
	done chan struct{}
	once sync.Once
}

// end exits the exec with code, once.
func (e *fakeExec) end(code int) {
	e.once.Do(func() {
		e.code = code
		close(e.done)
	})
}

func newFakeTask(id string) *fakeTask {
	return &fakeTask{id: id, status: "created", done: make(chan struct{}), lost: make(chan struct{}), ignore: map[syscall.Signal]bool{},
		exitOn: map[syscall.Signal]int{syscall.SIGTERM: 143, syscall.SIGKILL: 137}, execs: map[string]*fakeExec{}}
}

func (t *fakeTask) Start(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.startErr != nil {
		return t.startErr
	}
	t.status = "running"
	return nil
}

// exitWith ends the process as if it returned code.
func (t *fakeTask) exitWith(code int, oom bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status == "stopped" {
		return
	}
	t.status = "stopped"
	t.exit = Exit{Code: code, At: time.Now().UTC(), OOMKilled: oom}
	close(t.done)
}

func (t *fakeTask) Kill(ctx context.Context, sig syscall.Signal, all bool) error {
	t.mu.Lock()
	if t.status == "stopped" {
		t.mu.Unlock()
		return ErrTaskExited
	}
	t.signals = append(t.signals, sig)
	code, exits := t.exitOn[sig]
	ignored := t.ignore[sig]
	t.mu.Unlock()
	if exits && !ignored {
		t.exitWith(code, false)
	}
	return nil
}

func (t *fakeTask) sent() []syscall.Signal {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]syscall.Signal(nil), t.signals...)
}

func (t *fakeTask) Pause(ctx context.Context) error  { return t.setStatus("running", "paused") }
func (t *fakeTask) Resume(ctx context.Context) error { return t.setStatus("paused", "running") }

func (t *fakeTask) setStatus(from, to string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status != from {
		return errors.New("task is " + t.status)
	}
	t.status = to
	return nil
}

func (t *fakeTask) Update(ctx context.Context, res *specs.LinuxResources) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.updated = res
	return nil
}

func (t *fakeTask) Pids(ctx context.Context) ([]int, error) { return []int{4242}, nil }

func (t *fakeTask) Attach(ctx context.Context, stdin, stdout, stderr bool) (net.Conn, error) {
	ours, theirs := net.Pipe()
	go func() {
		ours.Write(t.attachOut)
		<-t.done
		ours.Close()
	}()
	return theirs, nil
}

func (t *fakeTask) Resize(ctx context.Context, exec string, width, height int) error { return nil }
func (t *fakeTask) CloseStdin(ctx context.Context) error                             { return nil }

func (t *fakeTask) Exec(ctx context.Context, req ExecRequest) (net.Conn, int, error) {
	t.mu.Lock()
	probe := t.probe
	t.mu.Unlock()
	if probe != nil {
		return t.probeExec(req, probe)
	}
	t.mu.Lock()
	e, ok := t.execs[req.Process.Args[0]]
	t.mu.Unlock()
	if !ok {
		return nil, 0, errors.New(`exec: "` + req.Process.Args[0] + `": executable file not found in $PATH`)
	}
	t.mu.Lock()
	t.execs[req.ID] = e
	t.mu.Unlock()
	if req.Detach {
		close(e.done)
		return nil, 99, nil
	}
	ours, theirs := net.Pipe()
	go func() {
		ours.Write(e.out)
		ours.Close()
		close(e.done)
	}()
	return theirs, 99, nil
}

// probeExec runs one health probe: its output framed as a non-TTY exec
// stream, which ends when the process does.
func (t *fakeTask) probeExec(req ExecRequest, probe func([]string) (string, int, bool)) (net.Conn, int, error) {
	out, code, hang := probe(req.Process.Args)
	if code == 127 {
		return nil, 0, errors.New(`exec: "` + req.Process.Args[0] + `": executable file not found in $PATH`)
	}
	e := &fakeExec{done: make(chan struct{})}
	t.mu.Lock()
	t.execs[req.ID] = e
	t.probes++
	t.mu.Unlock()
	ours, theirs := net.Pipe()
	go func() {
		if out != "" {
			ours.Write(frameOf(1, out))
		}
		if !hang {
			e.end(code)
		}
		<-e.done
		ours.Close()
	}()
	return theirs, 99, nil
}

func (t *fakeTask) ExecKill(ctx context.Context, id string, sig syscall.Signal) error {
	t.mu.Lock()
	e, ok := t.execs[id]
	t.mu.Unlock()
	if !ok {
		return errors.New("no such exec")
	}
	select {
	case <-e.done:
		return nil
	default:
	}
	t.mu.Lock()
	t.killed++
	t.mu.Unlock()
	e.end(128 + int(sig))
	return nil
}

func (t *fakeTask) ExecDelete(ctx context.Context, id string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.execs[id]
	if !ok {
		return errors.New("no such exec")
	}
	select {
	case <-e.done:
	default:
		return errors.New("exec " + id + " is still running")
	}
	delete(t.execs, id)
	return nil
}

// probeCounts returns how many probes ran and how many were killed.
func (t *fakeTask) probeCounts() (probes, killed int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.probes, t.killed
}

func (t *fakeTask) ExecState(ctx context.Context, id string) (ExecStatus, error) {
	return t.ExecWait(ctx, id)
}

func (t *fakeTask) ExecWait(ctx context.Context, id string) (ExecStatus, error) {
	t.mu.Lock()
	e, ok := t.execs[id]
	t.mu.Unlock()
	if !ok {
		return ExecStatus{}, errors.New("no such exec")
	}
	<-e.done
	return ExecStatus{Pid: 99, ExitCode: e.code}, nil
}

func (t *fakeTask) Wait(ctx context.Context) (Exit, error) {
	select {
	case <-t.done:
		return t.exit, nil
	case <-t.lost:
		return Exit{}, errors.New("shim: connection reset")
	case <-ctx.Done():
		return Exit{}, ctx.Err()
	}
}

func (t *fakeTask) State(ctx context.Context) (TaskState, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return TaskState{Pid: 4242, Status: t.status}, nil
}

func (t *fakeTask) Checkpoint(ctx context.Context) error { return ErrCheckpointUnsupported }

// fakeRuntime hands out fakeTasks and remembers them by container ID.
type fakeRuntime struct {
	mu        sync.Mutex
	tasks     map[string]*fakeTask
	created   []string
	createErr error
	// connectable are the tasks that survived a "daemon restart".
	connectable map[string]*fakeTask
	exits       map[string]Exit
	// prepare lets a test adjust each new task before it is returned.
	prepare func(*fakeTask)
}

func newFakeRuntime() *fakeRuntime {
	return &fakeRuntime{tasks: map[string]*fakeTask{}, connectable: map[string]*fakeTask{}, exits: map[string]Exit{}}
}

func (r *fakeRuntime) Create(ctx context.Context, req CreateRequest) (Task, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.createErr != nil {
		return nil, 0, r.createErr
	}
	t := newFakeTask(req.ID)
	if r.prepare != nil {
		r.prepare(t)
	}
	r.tasks[req.ID] = t
	r.created = append(r.created, req.ID)
	return t, 4242, nil
}

func (r *fakeRuntime) task(id string) *fakeTask {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tasks[id]
}

func (r *fakeRuntime) creates() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.created)
}

func (r *fakeRuntime) Connect(ctx context.Context, id string) (Task, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.connectable[id]; ok {
		r.tasks[id] = t
		return t, nil
	}
	return nil, errors.New("no shim")
}

func (r *fakeRuntime) LastExit(id string) (Exit, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.exits[id]; ok {
		return e, nil
	}
	return Exit{}, errors.New("no exit file")
}

func (r *fakeRuntime) Cleanup(ctx context.Context, req CreateRequest) error { return nil }

// fakeEnv counts prepares and releases.
type fakeEnv struct {
	mu         sync.Mutex
	prepared   int
	released   int
	aborted    int
	prepareErr error
	readyErr   error
	onRelease  func()
}

func (e *fakeEnv) Prepare(ctx context.Context, c *container.Container) (*Run, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.prepareErr != nil {
		return nil, e.prepareErr
	}
	e.prepared++
	return &Run{
		Create: CreateRequest{ID: c.ID, Bundle: "/bundle/" + c.ID},
		Ready:  func() error { return e.readyErr },
		Abort: func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.aborted++
		},
	}, nil
}

func (e *fakeEnv) Release(ctx context.Context, c *container.Container) {
	e.mu.Lock()
	e.released++
	hook := e.onRelease
	e.mu.Unlock()
	if hook != nil {
		hook()
	}
}

func (e *fakeEnv) counts() (prepared, released, aborted int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.prepared, e.released, e.aborted
}

// harness is a Supervisor over a real container store (bbolt in a temp
// dir) and the fakes.
type harness struct {
	t       *testing.T
	sup     *Supervisor
	store   *container.Store
	rt      *fakeRuntime
	env     *fakeEnv
	db      *bolt.DB
	mu      sync.Mutex
	events  []string
	removed []string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "metadata.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := container.NewStore(db)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, store: store, rt: newFakeRuntime(), env: &fakeEnv{}, db: db}
	h.sup = h.newSupervisor()
	t.Cleanup(h.sup.Close)
	return h
}

func (h *harness) newSupervisor() *Supervisor {
	return New(Config{
		Store: h.store, Runtime: h.rt, Environment: h.env,
		Events: func(c *container.Container, a events.Action, extra map[string]string) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.events = append(h.events, string(a))
		},
		Remove: func(ctx context.Context, id string) error {
			h.mu.Lock()
			h.removed = append(h.removed, id)
			h.mu.Unlock()
			return h.store.Delete(id)
		},
		RootfsDir: func(id string) string { return "/rootfs/" + id },
	})
}

// add creates a container record as create would.
func (h *harness) add(name string, hc apicontainer.HostConfig) *container.Container {
	h.t.Helper()
	c := &container.Container{
		ID: container.NewID(), Name: name, Created: time.Now().UTC(),
		Config: &apicontainer.Config{Image: "busybox", Cmd: []string{"sleep", "1d"}}, HostConfig: &hc,
		State: container.State{Status: container.Created},
	}
	if err := h.store.Add(c); err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) get(id string) *container.Container {
	h.t.Helper()
	c, err := h.store.Get(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// eventually polls cond for up to two seconds.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *harness) status(id string) container.Status {
	c, err := h.store.Get(id)
	if err != nil {
		return "gone"
	}
	return c.State.Status
}

func (h *harness) sawEvent(action string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.events {
		if e == action {
			return true
		}
	}
	return false
}

func (h *harness) wasRemoved(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.removed {
		if r == id {
			return true
		}
	}
	return false
}
