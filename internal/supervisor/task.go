package supervisor

import (
	"context"
	"errors"
	"net"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Task is one run of a container's process as the OCI runtime holds it:
// every operation on a created container goes through it, and nothing else
// in berthd runs the runtime. A Task lives from Runtime.Create (or
// Runtime.Connect after a daemon restart) until Wait returns; afterwards
// every call but Wait fails with ErrTaskExited.
//
// Streams returned by Attach and Exec carry exactly what a Docker API
// client receives: raw bytes when the process has a terminal, Docker's
// 8-byte multiplexed frames when it has not. They are framed in the task
// (the shim) and nowhere else.
type Task interface {
	// Start runs the process the runtime created.
	Start(ctx context.Context) error
	// Kill signals the init, or with all every process of the container.
	Kill(ctx context.Context, sig syscall.Signal, all bool) error
	// Pause freezes every process; Resume thaws them.
	Pause(ctx context.Context) error
	Resume(ctx context.Context) error
	// Update changes the cgroup limits of the running container.
	Update(ctx context.Context, res *specs.LinuxResources) error
	// Pids lists the container's processes as host pids.
	Pids(ctx context.Context) ([]int, error)
	// Attach returns a stream of the container's output from now on that
	// takes its stdin; it ends when the container exits.
	Attach(ctx context.Context, stdin, stdout, stderr bool) (net.Conn, error)
	// Resize sets the terminal size of the init (exec "") or of an exec.
	Resize(ctx context.Context, exec string, width, height int) error
	// CloseStdin closes the init's stdin.
	CloseStdin(ctx context.Context) error
	// Exec starts another process in the container. Unless detached, the
	// stream carries its output and takes its stdin; ExecWait reports
	// its exit once the stream ended.
	Exec(ctx context.Context, req ExecRequest) (net.Conn, int, error)
	// ExecState reports an exec's state without waiting.
	ExecState(ctx context.Context, id string) (ExecStatus, error)
	// ExecKill signals an exec's process while it runs (a health check
	// past its timeout); an exec that ended is no error.
	ExecKill(ctx context.Context, id string, sig syscall.Signal) error
	// ExecDelete forgets an exec that ended (a health probe, whose
	// status nobody asks for again); one that runs is refused.
	ExecDelete(ctx context.Context, id string) error
	// ExecWait blocks until an exec has exited.
	ExecWait(ctx context.Context, id string) (ExecStatus, error)
	// Wait blocks until the init exited and the runtime released it.
	Wait(ctx context.Context) (Exit, error)
	// State is the runtime's view of the container.
	State(ctx context.Context) (TaskState, error)
	// Checkpoint saves the running process (CRIU); ErrCheckpointUnsupported
	// where the host cannot.
	Checkpoint(ctx context.Context) error
}

// Runtime makes Tasks and finds them again.
type Runtime interface {
	// Create makes the container's process from a bundle; it runs once
	// Start is called. It returns the init's host pid.
	Create(ctx context.Context, req CreateRequest) (Task, int, error)
	// Connect finds a Task that outlived the previous berthd.
	Connect(ctx context.Context, id string) (Task, error)
	// LastExit is how the last run of container id ended, as recorded by
	// its task; it serves when the task is gone (the daemon was down).
	LastExit(id string) (Exit, error)
	// Cleanup removes what a task that died without releasing left in
	// the runtime; a container the runtime does not know is no error.
	Cleanup(ctx context.Context, req CreateRequest) error
}

// CreateRequest is what the runtime needs to make a Task: a bundle holding
// config.json, and how to hold the process's stdio and log.
type CreateRequest struct {
	ID     string
	Bundle string
	// Runtime names the OCI runtime binary and its state root.
	RuntimeName, RuntimePath, RuntimeRoot string
	CgroupPath                            string
	TTY, Stdin, StdinOnce                 bool
	// LogPath is empty for no log (the "none" driver).
	LogPath    string
	LogMaxSize int64
	LogMaxFile int
}

// ExecRequest is a process to run in a running container.
type ExecRequest struct {
	ID      string
	Process *specs.Process
	TTY     bool
	Stdin   bool
	Detach  bool
	// Stdout and Stderr choose the output the stream carries.
	Stdout, Stderr bool
}

// ExecStatus is one exec process's state.
type ExecStatus struct {
	Pid      int
	Running  bool
	ExitCode int
}

// Exit is how a container's run ended.
type Exit struct {
	Code      int
	At        time.Time
	OOMKilled bool
}

// TaskState is the runtime's status of a task: created, running, paused or
// stopped.
type TaskState struct {
	Pid    int
	Status string
}

// ErrTaskExited answers an operation that needs a live process after the
// process exited.
var ErrTaskExited = errors.New("container is not running")

// ErrCheckpointUnsupported answers Checkpoint on a host without CRIU.
var ErrCheckpointUnsupported = errors.New("checkpoint is not supported: this host has no working CRIU")
