// Package container keeps Berth's containers: their records (configuration
// as created, runtime state), the life-cycle state machine, names, and the
// store that persists them. It runs nothing itself: the daemon drives the
// transitions and the shim runs the processes.
package container

import (
	"fmt"
	"time"

	"github.com/containerd/errdefs"
	"github.com/docker/go-units"
	apicontainer "github.com/moby/moby/api/types/container"
)

// Status is a container's place in its life cycle.
type Status string

// The statuses, with Docker's names.
const (
	Created    Status = "created"
	Running    Status = "running"
	Paused     Status = "paused"
	Restarting Status = "restarting"
	Removing   Status = "removing"
	Exited     Status = "exited"
	Dead       Status = "dead"
)

// State is the runtime state of a container. Only the transition methods
// change it, so that every change is one the life cycle allows.
type State struct {
	Status     Status    `json:"status"`
	Pid        int       `json:"pid,omitempty"`
	ExitCode   int       `json:"exitCode"`
	Error      string    `json:"error,omitempty"`
	OOMKilled  bool      `json:"oomKilled,omitempty"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	// Health is the health check's state; nil until a run with a health
	// check started, then kept (with its log) across runs, as Docker.
	Health *apicontainer.Health `json:"health,omitempty"`
}

// IsRunning is true while a process runs, paused or not.
func (s *State) IsRunning() bool {
	return s.Status == Running || s.Status == Paused || s.Status == Restarting
}

// SetRunning records a started process.
func (s *State) SetRunning(pid int, at time.Time) error {
	switch s.Status {
	case Created, Exited, Restarting:
	default:
		return transitionError(s.Status, Running)
	}
	*s = State{Status: Running, Pid: pid, StartedAt: at, FinishedAt: s.FinishedAt, Health: s.Health}
	return nil
}

// SetExited records the end of the process.
func (s *State) SetExited(code int, oom bool, at time.Time, errMsg string) {
	s.Status = Exited
	s.Pid = 0
	s.ExitCode = code
	s.OOMKilled = oom
	s.FinishedAt = at
	s.Error = errMsg
}

// SetStartFailed records a start that did not produce a process.
func (s *State) SetStartFailed(code int, errMsg string, at time.Time) {
	if s.Status == Created && s.StartedAt.IsZero() {
		s.ExitCode, s.Error = code, errMsg
		return
	}
	s.SetExited(code, false, at, errMsg)
}

// SetPaused and SetUnpaused follow pause and unpause.
func (s *State) SetPaused() error {
	if s.Status != Running {
		return transitionError(s.Status, Paused)
	}
	s.Status = Paused
	return nil
}

// SetUnpaused returns a paused container to running.
func (s *State) SetUnpaused() error {
	if s.Status != Paused {
		return transitionError(s.Status, Running)
	}
	s.Status = Running
	return nil
}

// SetRestarting marks a container whose process ended and that its restart
// policy will start again.
func (s *State) SetRestarting(code int, at time.Time) {
	s.Status = Restarting
	s.Pid = 0
	s.ExitCode = code
	s.FinishedAt = at
}

// SetRemoving marks the start of a removal; a second removal conflicts.
func (s *State) SetRemoving() error {
	if s.Status == Removing {
		return errdefs.ErrConflict.WithMessage("removal of container is already in progress")
	}
	s.Status = Removing
	return nil
}

// SetDead marks a container whose removal failed half way.
func (s *State) SetDead() { s.Status = Dead }

func transitionError(from, to Status) error {
	return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot move container from %s to %s", from, to))
}

// Describe is the STATUS column of `docker ps`: "Up 2 minutes",
// "Up 5 seconds (healthy)", "Exited (0) 3 seconds ago", "Created".
func (s *State) Describe(now time.Time) string {
	switch s.Status {
	case Running:
		return "Up " + units.HumanDuration(now.Sub(s.StartedAt)) + s.healthSuffix()
	case Paused:
		return "Up " + units.HumanDuration(now.Sub(s.StartedAt)) + " (Paused)"
	case Restarting:
		return fmt.Sprintf("Restarting (%d) %s ago", s.ExitCode, units.HumanDuration(now.Sub(s.FinishedAt)))
	case Removing:
		return "Removal In Progress"
	case Dead:
		return "Dead"
	case Created:
		return "Created"
	}
	if s.FinishedAt.IsZero() {
		return ""
	}
	return fmt.Sprintf("Exited (%d) %s ago", s.ExitCode, units.HumanDuration(now.Sub(s.FinishedAt)))
}
