package supervisor

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"

	"github.com/berth/berth/internal/shim"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ShimRuntime is the Runtime of berth-shim processes: one shim per
// container holds its OCI runtime, stdio and log, and outlives berthd.
type ShimRuntime struct {
	// Binary is the berth-shim executable.
	Binary string
	// Socket and ExitFile name a container's shim socket and exit record.
	Socket   func(id string) string
	ExitFile func(id string) string
}

// Create launches the container's shim, which creates the task.
func (r ShimRuntime) Create(ctx context.Context, req CreateRequest) (Task, int, error) {
	os.Remove(r.ExitFile(req.ID))
	cl, pid, err := shim.Launch(ctx, r.launchConfig(req))
	if err != nil {
		return nil, 0, err
	}
	// The shim outlives berthd by design, but while berthd lives it is
	// berthd's child and must be reaped.
	go cl.Process().Wait()
	return shimTask{cl}, pid, nil
}

func (r ShimRuntime) launchConfig(req CreateRequest) shim.LaunchConfig {
	return shim.LaunchConfig{Binary: r.Binary, Config: shim.Config{
		ID: req.ID, Bundle: req.Bundle, Socket: r.Socket(req.ID), ExitFile: r.ExitFile(req.ID),
		RuntimeName: req.RuntimeName, RuntimePath: req.RuntimePath, RuntimeRoot: req.RuntimeRoot,
		LogPath: req.LogPath, LogMaxSize: req.LogMaxSize, LogMaxFile: req.LogMaxFile,
		TTY: req.TTY, Stdin: req.Stdin, StdinOnce: req.StdinOnce, CgroupPath: req.CgroupPath,
	}}
}

// Connect dials the shim of a container that kept running.
func (r ShimRuntime) Connect(ctx context.Context, id string) (Task, error) {
	cl, err := shim.Dial(r.Socket(id))
	if err != nil {
		return nil, err
	}
	return shimTask{cl}, nil
}

// LastExit reads the exit record the shim wrote.
func (r ShimRuntime) LastExit(id string) (Exit, error) {
	st, err := shim.ReadExitFile(r.ExitFile(id))
	return Exit{Code: st.ExitCode, At: st.ExitedAt, OOMKilled: st.OOMKilled}, err
}

// Cleanup runs the shim binary's one-shot delete for a container whose
// shim is gone.
func (r ShimRuntime) Cleanup(ctx context.Context, req CreateRequest) error {
	return shim.Cleanup(ctx, r.launchConfig(req))
}

// shimTask is a Task over one shim's socket.
type shimTask struct{ cl *shim.Client }

func (t shimTask) Start(ctx context.Context) error { return taskErr(t.cl.Start(ctx)) }

func (t shimTask) Kill(ctx context.Context, sig syscall.Signal, all bool) error {
	return taskErr(t.cl.Kill(ctx, sig, all))
}

func (t shimTask) Pause(ctx context.Context) error  { return taskErr(t.cl.Pause(ctx)) }
func (t shimTask) Resume(ctx context.Context) error { return taskErr(t.cl.Resume(ctx)) }

func (t shimTask) Update(ctx context.Context, res *specs.LinuxResources) error {
	return taskErr(t.cl.Update(ctx, res))
}

func (t shimTask) Pids(ctx context.Context) ([]int, error) {
	pids, err := t.cl.Pids(ctx)
	return pids, taskErr(err)
}

func (t shimTask) Attach(ctx context.Context, stdin, stdout, stderr bool) (net.Conn, error) {
	conn, _, err := t.cl.Attach(ctx, stdin, stdout, stderr)
	return conn, taskErr(err)
}

func (t shimTask) Resize(ctx context.Context, exec string, width, height int) error {
	return taskErr(t.cl.Resize(ctx, exec, width, height))
}

func (t shimTask) CloseStdin(ctx context.Context) error { return taskErr(t.cl.CloseStdin(ctx)) }

func (t shimTask) Exec(ctx context.Context, req ExecRequest) (net.Conn, int, error) {
	conn, pid, err := t.cl.Exec(ctx, shim.ExecRequest{
		ID: req.ID, Process: req.Process, TTY: req.TTY, Stdin: req.Stdin, Detach: req.Detach,
		DockerStream: true, Stdout: req.Stdout, Stderr: req.Stderr,
	})
	return conn, pid, taskErr(err)
}

func (t shimTask) ExecState(ctx context.Context, id string) (ExecStatus, error) {
	st, err := t.cl.ExecState(ctx, id)
	return ExecStatus{Pid: st.Pid, Running: st.Running, ExitCode: st.ExitCode}, taskErr(err)
}

func (t shimTask) ExecKill(ctx context.Context, id string, sig syscall.Signal) error {
	return taskErr(t.cl.ExecKill(ctx, id, sig))
}

func (t shimTask) ExecDelete(ctx context.Context, id string) error {
	return taskErr(t.cl.ExecDelete(ctx, id))
}

func (t shimTask) ExecWait(ctx context.Context, id string) (ExecStatus, error) {
	st, err := t.cl.ExecWait(ctx, id)
	return ExecStatus{Pid: st.Pid, Running: st.Running, ExitCode: st.ExitCode}, taskErr(err)
}

func (t shimTask) Wait(ctx context.Context) (Exit, error) {
	st, err := t.cl.Wait(ctx)
	return Exit{Code: st.ExitCode, At: st.ExitedAt, OOMKilled: st.OOMKilled}, err
}

func (t shimTask) State(ctx context.Context) (TaskState, error) {
	st, err := t.cl.State(ctx)
	return TaskState{Pid: st.Pid, Status: st.Status}, taskErr(err)
}

func (t shimTask) Checkpoint(ctx context.Context) error { return taskErr(t.cl.Checkpoint(ctx)) }

// taskErr maps the shim's sentinels to the supervisor's.
func taskErr(err error) error {
	switch {
	case errors.Is(err, shim.ErrNotRunning):
		return ErrTaskExited
	case errors.Is(err, shim.ErrCheckpointUnsupported):
		return ErrCheckpointUnsupported
	}
	return err
}
