package supervisor

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/spec"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// maxProbeOutput is how much of a probe's output the log keeps, as Docker;
// "..." marks output that was cut.
const maxProbeOutput = 4096

// killedProbeWait bounds the wait for a killed probe's exit to be
// reported; a task that cannot report it is going away anyway.
const killedProbeWait = 10 * time.Second

// probe runs c's health check command once as an exec of task, with the
// container's user, working directory and environment and no terminal.
// A probe still running after timeout is killed and fails with Docker's
// words; one that cannot start fails with the runtime's. Probes are not
// `docker exec` instances: no exec record is kept, but the exec events are
// published as Docker does.
func (s *Supervisor) probe(ctx context.Context, c *container.Container, task Task, timeout time.Duration) apicontainer.HealthcheckResult {
	start := time.Now()
	res := s.runProbe(ctx, c, task, timeout)
	res.Start, res.End = start, time.Now()
	return res
}

func (s *Supervisor) runProbe(ctx context.Context, c *container.Container, task Task, timeout time.Duration) apicontainer.HealthcheckResult {
	cmd, shell, _ := container.HealthProbe(c.Config)
	if shell {
		sh := c.Config.Shell
		if len(sh) == 0 {
			sh = []string{"/bin/sh", "-c"}
		}
		cmd = append(append([]string{}, sh...), cmd...)
	}
	in := spec.Input{ID: c.ID, Config: c.Config, HostConfig: c.HostConfig, Rootfs: s.cfg.RootfsDir(c.ID), Hostname: c.Config.Hostname,
		NoNewPrivileges: s.cfg.NoNewPrivileges}
	proc, err := spec.Process(in, cmd, c.Config.User, c.Config.WorkingDir, nil, false, c.HostConfig.Privileged)
	if err != nil {
		return failedProbe(err)
	}
	id := container.NewID()
	line := strings.Join(cmd, " ")
	attrs := map[string]string{"execID": id}
	s.event(c, events.Action(string(events.ActionExecCreate)+": "+line), attrs)
	conn, _, err := task.Exec(ctx, ExecRequest{ID: id, Process: proc, Stdout: true, Stderr: true})
	if err != nil {
		return failedProbe(err)
	}
	s.event(c, events.Action(string(events.ActionExecStart)+": "+line), attrs)
	out := &limitedBuffer{}
	exited := make(chan execExit, 1)
	go func() {
		demux(conn, out, out)
		conn.Close()
		st, err := task.ExecWait(context.Background(), id)
		if err == nil {
			task.ExecDelete(context.Background(), id)
		}
		exited <- execExit{st, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var res apicontainer.HealthcheckResult
	select {
	case x := <-exited:
		if x.err != nil {
			return failedProbe(x.err)
		}
		res = apicontainer.HealthcheckResult{ExitCode: x.st.ExitCode, Output: out.String()}
	case <-timer.C:
		res = apicontainer.HealthcheckResult{ExitCode: -1, Output: fmt.Sprintf("Health check exceeded timeout (%v)", timeout)}
		if o := out.String(); o != "" {
			res.Output += ": " + o
		}
		s.killProbe(task, id, exited)
	case <-ctx.Done():
		// The runner stopped: the result is dropped, the process must go.
		res = failedProbe(ctx.Err())
		s.killProbe(task, id, exited)
	}
	s.event(c, events.ActionExecDie, map[string]string{"execID": id, "exitCode": fmt.Sprint(res.ExitCode)})
	return res
}

type execExit struct {
	st  ExecStatus
	err error
}

// killProbe kills a probe's process and waits for its end, so that no
// probe outlives its timeout.
func (s *Supervisor) killProbe(task Task, id string, exited <-chan execExit) {
	task.ExecKill(context.Background(), id, syscall.SIGKILL)
	select {
	case <-exited:
	case <-time.After(killedProbeWait):
	}
}

// failedProbe is the result of a probe that could not run: Docker's -1
// with the reason.
func failedProbe(err error) apicontainer.HealthcheckResult {
	return apicontainer.HealthcheckResult{ExitCode: -1, Output: err.Error()}
}

// limitedBuffer keeps the first maxProbeOutput bytes written to it and
// drops the rest.
type limitedBuffer struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	keep := min(maxProbeOutput-b.buf.Len(), len(p))
	if keep > 0 {
		b.buf.Write(p[:keep])
	}
	if keep < len(p) {
		b.truncated = true
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.truncated {
		return b.buf.String() + "..."
	}
	return b.buf.String()
}
