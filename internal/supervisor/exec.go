package supervisor

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/spec"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// execRecord is one `docker exec`, kept in memory: execs do not survive a
// daemon restart in Docker either.
type execRecord struct {
	mu          sync.Mutex
	id          string
	containerID string
	cfg         apicontainer.ExecCreateRequest
	process     *specs.Process
	detachKeys  []byte // from the create request, as Docker takes them
	running     bool
	started     bool
	pid         int
	exitCode    *int
}

type execSet struct {
	mu sync.Mutex
	m  map[string]*execRecord
}

func (s *execSet) add(e *execRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*execRecord{}
	}
	s.m[e.id] = e
}

func (s *execSet) get(id string) (*execRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[id]; ok {
		return e, nil
	}
	return nil, errdefs.ErrNotFound.WithMessage("No such exec instance: " + id)
}

// ExecCreate prepares a process to run in a running container.
func (s *Supervisor) ExecCreate(ctx context.Context, name string, req *apicontainer.ExecCreateRequest) (string, error) {
	c, err := s.store.Get(name)
	if err != nil {
		return "", err
	}
	switch {
	case c.State.Status == container.Paused:
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is paused, unpause the container before exec", c.ID))
	case !c.State.IsRunning() || c.State.Status == container.Restarting:
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is not running", c.ID))
	case len(req.Cmd) == 0:
		return "", errdefs.ErrInvalidArgument.WithMessage("No exec command specified")
	}
	user := req.User
	if user == "" {
		user = c.Config.User
	}
	workdir := req.WorkingDir
	if workdir == "" {
		workdir = c.Config.WorkingDir
	}
	keys, err := parseDetachKeys(req.DetachKeys)
	if err != nil {
		return "", err
	}
	// Process layers req.Env over the container's own environment.
	in := spec.Input{ID: c.ID, Config: c.Config, HostConfig: c.HostConfig, Rootfs: s.cfg.RootfsDir(c.ID), Hostname: c.Config.Hostname,
		NoNewPrivileges: s.cfg.NoNewPrivileges}
	proc, err := spec.Process(in, req.Cmd, user, workdir, req.Env, req.Tty, req.Privileged || c.HostConfig.Privileged)
	if err != nil {
		return "", err
	}
	e := &execRecord{id: container.NewID(), containerID: c.ID, cfg: *req, process: proc, detachKeys: keys}
	s.execs.add(e)
	s.event(c, events.Action("exec_create: "+strings.Join(req.Cmd, " ")), map[string]string{"execID": e.id})
	return e.id, nil
}

// ExecStart runs a created exec; without Detach it streams until the
// process ends.
func (s *Supervisor) ExecStart(ctx context.Context, execID string, opts backend.ExecStartOptions) error {
	e, err := s.execs.get(execID)
	if err != nil {
		return err
	}
	e.mu.Lock()
	if e.started {
		e.mu.Unlock()
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Error: Exec command %s is already running", execID))
	}
	e.started = true
	e.mu.Unlock()
	c, err := s.store.Get(e.containerID)
	if err != nil {
		return err
	}
	task := s.tasks.get(c.ID)
	if task == nil {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is not running", c.ID))
	}
	// The process has a terminal if its create asked for one; the start
	// request alone says whether the client's stream is multiplexed, as in
	// Docker (the shim's stream, raw or framed, is converted below).
	tty := e.cfg.Tty
	// Take the client's connection over before the process starts, as
	// Docker does: output that arrives with the 101 in one read is lost by
	// clients that switch to the raw socket afterwards (docker-py).
	var stdin io.ReadCloser
	var stdout, stderr io.Writer
	if !opts.Detach {
		if stdin, stdout, stderr, err = opts.GetStreams(!opts.Tty); err != nil {
			return err
		}
	}
	conn, pid, err := task.Exec(ctx, ExecRequest{
		ID: e.id, Process: e.process, TTY: tty, Detach: opts.Detach,
		Stdin: e.cfg.AttachStdin && !opts.Detach, Stdout: e.cfg.AttachStdout, Stderr: e.cfg.AttachStderr,
	})
	if err != nil {
		e.finish(execFailedCode(err))
		return err
	}
	e.mu.Lock()
	e.running, e.pid = true, pid
	e.mu.Unlock()
	s.event(c, events.Action("exec_start: "+strings.Join(e.cfg.Cmd, " ")), map[string]string{"execID": e.id})
	if opts.Detach {
		if conn != nil {
			conn.Close()
		}
		go s.awaitExec(c, e, task)
		return nil
	}
	defer conn.Close()
	if opts.ConsoleSize != nil {
		task.Resize(ctx, e.id, int(opts.ConsoleSize[1]), int(opts.ConsoleSize[0]))
	}
	if !e.cfg.AttachStdin {
		stdin = nil
	}
	if !e.cfg.AttachStdout {
		stdout = nil
	}
	if !e.cfg.AttachStderr {
		stderr = nil
	}
	if pumpStreams(conn, stdin, e.detachKeys, !tty, stdout, stderr) {
		// Detached: the process runs on, its end is still recorded.
		go s.awaitExec(c, e, task)
		return nil
	}
	s.awaitExec(c, e, task)
	return nil
}

// awaitExec records an exec's exit once its task reports it.
func (s *Supervisor) awaitExec(c *container.Container, e *execRecord, task Task) {
	st, err := task.ExecWait(context.Background(), e.id)
	code := st.ExitCode
	if err != nil {
		code = execFailedCode(err)
	}
	e.finish(code)
	s.event(c, events.ActionExecDie, map[string]string{"execID": e.id, "exitCode": fmt.Sprint(code)})
}

func (e *execRecord) finish(code int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.running = false
	e.exitCode = &code
}

// execFailedCode is the exit code of an exec that could not run or be
// followed: never 0, so a failure never reads as success.
func execFailedCode(err error) int {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "not found"), strings.Contains(msg, "no such file"):
		return 127
	case strings.Contains(msg, "permission denied"):
		return 126
	}
	return 126
}

// ExecResize sets the size of an exec's terminal.
func (s *Supervisor) ExecResize(ctx context.Context, execID string, height, width uint) error {
	e, err := s.execs.get(execID)
	if err != nil {
		return err
	}
	task := s.tasks.get(e.containerID)
	if task == nil {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is not running", e.containerID))
	}
	return task.Resize(ctx, e.id, int(width), int(height))
}

// ExecInspect describes an exec.
func (s *Supervisor) ExecInspect(ctx context.Context, execID string) (*apicontainer.ExecInspectResponse, error) {
	e, err := s.execs.get(execID)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	resp := &apicontainer.ExecInspectResponse{
		ID: e.id, Running: e.running, ContainerID: e.containerID, Pid: e.pid,
		OpenStdin: e.cfg.AttachStdin, OpenStdout: e.cfg.AttachStdout, OpenStderr: e.cfg.AttachStderr,
		ProcessConfig: &apicontainer.ExecProcessConfig{Tty: e.cfg.Tty, Privileged: &e.cfg.Privileged, User: e.cfg.User},
		ExitCode:      e.exitCode,
	}
	if len(e.cfg.Cmd) > 0 {
		resp.ProcessConfig.Entrypoint = e.cfg.Cmd[0]
		resp.ProcessConfig.Arguments = e.cfg.Cmd[1:]
	}
	return resp, nil
}
