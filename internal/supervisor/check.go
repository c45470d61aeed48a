package supervisor

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/berth/berth/internal/check"
	"github.com/berth/berth/internal/container"
)

// Leftovers finds and removes what a run left that only a running
// container should hold: its root filesystem mount, bundle, network
// namespace, cgroup. The daemon provides it beside the Environment.
type Leftovers interface {
	// Find says, one item each in plain words, what c still holds.
	Find(c *container.Container) []string
	// Remove takes those away; Environment.Release has run before it.
	Remove(ctx context.Context, c *container.Container) error
	// Strays lists the IDs that have run state or a directory on disk
	// (a bundle, a container directory), recorded or not.
	Strays() []string
	// RemoveStray removes the run state and directories of an ID that no
	// record names, after its task (if any) has been killed.
	RemoveStray(id string) error
}

// settle is how long a container found wrong is given before it is looked
// at again.
const settle = 300 * time.Millisecond

// processAlive says whether a host process exists; tests replace it.
var processAlive = func(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// Check is the container part of the store check: every record's state
// true to its task (a running container has a live task and process, a
// container that does not run has none) and nothing of a run held by a
// container that does not run. Each container is checked under its
// life-cycle lock, so a start or an exit in progress is never seen half
// done. Repair does what a daemon start does: a running record whose task
// is gone gets its exit recorded, a process the records miss is adopted
// or killed, and leftovers are released.
func (s *Supervisor) Check(ctx context.Context, repair bool) ([]check.Problem, error) {
	var out []check.Problem
	for _, c := range s.store.List() {
		found, fix := s.checkOne(ctx, c.ID)
		if len(found) > 0 {
			// A start or an exit may be between its steps (the process
			// gone, its shim not yet reporting): what is still wrong a
			// moment later is a problem.
			time.Sleep(settle)
			found, fix = s.checkOne(ctx, c.ID)
		}
		if repair && fix != nil {
			err := fix()
			for i := range found {
				found[i].Fix(err)
			}
		}
		out = append(out, found...)
	}
	return append(out, s.checkStrays(ctx, repair)...), nil
}

// checkStrays reports run state and directories of containers no record
// names (a removal cut short after its record went), and a task still
// running for one. Repair kills such a task and removes the rest.
func (s *Supervisor) checkStrays(ctx context.Context, repair bool) []check.Problem {
	if s.cfg.Leftovers == nil {
		return nil
	}
	var out []check.Problem
	for _, id := range s.cfg.Leftovers.Strays() {
		found, fix := s.checkStray(ctx, id)
		if len(found) > 0 {
			time.Sleep(settle) // a create between its directory and its record
			found, fix = s.checkStray(ctx, id)
		}
		if repair && fix != nil {
			err := fix()
			for i := range found {
				found[i].Fix(err)
			}
		}
		out = append(out, found...)
	}
	return out
}

func (s *Supervisor) checkStray(ctx context.Context, id string) ([]check.Problem, func() error) {
	unlock := s.store.Lock(id)
	defer unlock()
	if _, err := s.store.Get(id); err == nil {
		return nil, nil
	}
	var task Task
	out := []check.Problem{{Area: "containers", Subject: id, Problem: "run state or directory of a container that is gone"}}
	if t, err := s.cfg.Runtime.Connect(ctx, id); err == nil {
		if st, err := t.State(ctx); err == nil && st.Status != "stopped" {
			task = t
			out = append(out, check.Problem{Area: "containers", Subject: id, Problem: fmt.Sprintf("a task (pid %d) runs for a container that is gone", st.Pid)})
		}
	}
	return out, func() error {
		unlock := s.store.Lock(id)
		defer unlock()
		if _, err := s.store.Get(id); err == nil {
			return errors.New("the container was recorded meanwhile")
		}
		if task != nil {
			task.Kill(ctx, syscall.SIGKILL, true)
			waitCtx, cancel := context.WithTimeout(ctx, exitRecordTimeout)
			defer cancel()
			if _, err := task.Wait(waitCtx); err != nil {
				return fmt.Errorf("waiting for the task to go: %w", err)
			}
		}
		return s.cfg.Leftovers.RemoveStray(id)
	}
}

func containerProblem(c *container.Container, format string, args ...any) check.Problem {
	return check.Problem{Area: "containers", Subject: c.ID, Problem: fmt.Sprintf(format, args...)}
}

// checkOne checks container id and returns what it found with the
// repair for it (run without the container's lock: repairs take it).
func (s *Supervisor) checkOne(ctx context.Context, id string) ([]check.Problem, func() error) {
	unlock := s.store.Lock(id)
	defer unlock()
	c, err := s.store.Get(id)
	if err != nil {
		return nil, nil // removed meanwhile
	}
	switch c.State.Status {
	case container.Running, container.Paused:
		return s.checkRunning(ctx, c)
	case container.Created, container.Exited, container.Dead:
		return s.checkStopped(ctx, c)
	}
	return nil, nil // restarting (between runs) or being removed: in flux
}

func (s *Supervisor) checkRunning(ctx context.Context, c *container.Container) ([]check.Problem, func() error) {
	task := s.tasks.get(c.ID)
	if task == nil {
		p := containerProblem(c, "recorded %s but has no task", c.State.Status)
		return []check.Problem{p}, func() error {
			// As at daemon start: take the task back, or record its exit.
			s.reconnect(ctx, c)
			return nil
		}
	}
	st, err := task.State(ctx)
	if err != nil {
		return nil, nil // the task just ended: its monitor records the exit
	}
	if want := map[container.Status]string{container.Running: "running", container.Paused: "paused"}[c.State.Status]; st.Status != want && !s.freezing(c.ID) {
		p := containerProblem(c, "recorded %s but its task is %s", c.State.Status, st.Status)
		return []check.Problem{p}, func() error {
			unlock := s.store.Lock(c.ID)
			defer unlock()
			s.reconcilePause(ctx, c, task, st.Status)
			return nil
		}
	}
	if st.Pid != c.State.Pid {
		return []check.Problem{containerProblem(c, "recorded with pid %d but its task runs pid %d", c.State.Pid, st.Pid)}, nil
	}
	if !processAlive(st.Pid) {
		return []check.Problem{containerProblem(c, "recorded %s but its process %d is gone", c.State.Status, st.Pid)}, nil
	}
	return nil, nil
}

func (s *Supervisor) checkStopped(ctx context.Context, c *container.Container) ([]check.Problem, func() error) {
	var out []check.Problem
	if s.tasks.get(c.ID) != nil {
		out = append(out, containerProblem(c, "recorded %s but the supervisor holds a task for it", c.State.Status))
	}
	if task, err := s.cfg.Runtime.Connect(ctx, c.ID); err == nil {
		if st, err := task.State(ctx); err == nil && (st.Status == "running" || st.Status == "paused" || st.Status == "created") {
			out = append(out, containerProblem(c, "recorded %s but its task is %s (pid %d)", c.State.Status, st.Status, st.Pid))
		}
	}
	if len(out) > 0 {
		// As at daemon start: adopt a task that runs, kill one never started.
		return out, func() error { s.adoptOrReap(ctx, c); return nil }
	}
	if s.cfg.Leftovers == nil {
		return nil, nil
	}
	for _, what := range s.cfg.Leftovers.Find(c) {
		out = append(out, containerProblem(c, "is %s but still has %s", c.State.Status, what))
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, func() error {
		unlock := s.store.Lock(c.ID)
		defer unlock()
		if now, err := s.store.Get(c.ID); err != nil || now.State.IsRunning() {
			return errors.New("the container changed state meanwhile")
		}
		s.cfg.Environment.Release(ctx, c)
		return s.cfg.Leftovers.Remove(ctx, c)
	}
}
