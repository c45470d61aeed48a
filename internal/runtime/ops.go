package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// CreateOpts are the options of Create. Nil stdio files mean /dev/null;
// with a console socket the runtime ignores them for the container.
type CreateOpts struct {
	PidFile       string
	ConsoleSocket string
	Stdin         *os.File
	Stdout        *os.File
	Stderr        *os.File
}

// Create creates container id from the bundle; its init process waits
// for Start. The runtime's stdio becomes the container's.
func (r Runtime) Create(ctx context.Context, id, bundle string, opts CreateOpts) error {
	args := []string{"--bundle=" + bundle}
	if opts.PidFile != "" {
		args = append(args, "--pid-file="+opts.PidFile)
	}
	if opts.ConsoleSocket != "" {
		args = append(args, "--console-socket="+opts.ConsoleSocket)
	}
	return r.run(ctx, "create", stdio{opts.Stdin, opts.Stdout, opts.Stderr}, append(args, id)...)
}

// Start runs the user process of a created container.
func (r Runtime) Start(ctx context.Context, id string) error {
	return r.run(ctx, "start", stdio{}, id)
}

// Delete removes the container's runtime state (and its cgroup); force
// kills it first if it is still running.
func (r Runtime) Delete(ctx context.Context, id string, force bool) error {
	args := []string{id}
	if force {
		args = []string{"--force", id}
	}
	return r.run(ctx, "delete", stdio{}, args...)
}

// Kill sends sig to the container's init, or with all to every process of
// the container.
func (r Runtime) Kill(ctx context.Context, id string, sig syscall.Signal, all bool) error {
	args := []string{id, strconv.Itoa(int(sig))}
	if all {
		args = append([]string{"--all"}, args...)
	}
	return r.run(ctx, "kill", stdio{}, args...)
}

// State is what `runtime state` reports.
type State struct {
	ID string `json:"id"`
	// Pid is the init process on the host; 0 once it is gone.
	Pid int `json:"pid"`
	// Status is created, running, paused or stopped.
	Status      string            `json:"status"`
	Bundle      string            `json:"bundle"`
	Created     time.Time         `json:"created"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// State returns the runtime's view of container id; errors.Is(err,
// ErrNotExist) when the runtime does not know it.
func (r Runtime) State(ctx context.Context, id string) (State, error) {
	var st State
	out, err := r.output(ctx, "state", id)
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(out, &st); err != nil {
		return st, fmt.Errorf("%s state %s: %w", r.Name, id, err)
	}
	return st, nil
}

// Pause freezes every process of the container.
func (r Runtime) Pause(ctx context.Context, id string) error {
	return r.run(ctx, "pause", stdio{}, id)
}

// Resume thaws a paused container.
func (r Runtime) Resume(ctx context.Context, id string) error {
	return r.run(ctx, "resume", stdio{}, id)
}

// Update applies resources (the JSON of an OCI LinuxResources) to a
// running container. The file handed to the runtime lives in its state
// root, as its log does, so a process killed mid-call leaves nothing in
// the host's temp dir.
func (r Runtime) Update(ctx context.Context, id string, resources []byte) error {
	if r.Root != "" {
		if err := os.MkdirAll(r.Root, 0o700); err != nil {
			return err
		}
	}
	f, err := os.CreateTemp(r.Root, ".resources-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(resources)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return r.run(ctx, "update", stdio{}, "--resources="+f.Name(), id)
}

// Ps returns the host pids of the container's processes.
func (r Runtime) Ps(ctx context.Context, id string) ([]int, error) {
	out, err := r.output(ctx, "ps", "--format=json", id)
	if err != nil {
		return nil, err
	}
	var pids []int
	if err := json.Unmarshal(out, &pids); err != nil {
		return nil, fmt.Errorf("%s ps %s: %w", r.Name, id, err)
	}
	return pids, nil
}

// ExecOpts are the options of Exec; stdio as in CreateOpts.
type ExecOpts struct {
	PidFile       string
	ConsoleSocket string
	// Detach returns once the process started instead of waiting for
	// it (a subreaper then reaps it).
	Detach bool
	Stdin  *os.File
	Stdout *os.File
	Stderr *os.File
}

// Exec runs the process described in processFile (OCI process JSON) in
// the running container id.
func (r Runtime) Exec(ctx context.Context, id, processFile string, opts ExecOpts) error {
	args := []string{"--process=" + processFile}
	if opts.PidFile != "" {
		args = append(args, "--pid-file="+opts.PidFile)
	}
	if opts.ConsoleSocket != "" {
		args = append(args, "--console-socket="+opts.ConsoleSocket)
	}
	if opts.Detach {
		args = append(args, "--detach")
	}
	return r.run(ctx, "exec", stdio{opts.Stdin, opts.Stdout, opts.Stderr}, append(args, id)...)
}
