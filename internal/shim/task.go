package shim

import (
	"context"
	"encoding/json"
	"errors"
)

// The ops below drive the runtime for a container whose init still runs;
// once it exited they answer ErrNotRunning, and the runtime's own words
// come back when it refuses (pausing a paused container, say). Deciding
// what a user is told is the caller's job.

// running is ErrNotRunning once the init exited.
func (s *server) running() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exited {
		return ErrNotRunning
	}
	return nil
}

// pause freezes (or with resume, thaws) every process of the container.
func (s *server) pause(resume bool) error {
	if err := s.running(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
	defer cancel()
	if resume {
		return s.rt.Resume(ctx, s.cfg.ID)
	}
	return s.rt.Pause(ctx, s.cfg.ID)
}

// update applies an OCI LinuxResources object to the running container.
func (s *server) update(resources json.RawMessage) error {
	if len(resources) == 0 || !json.Valid(resources) {
		return errors.New("update: no valid resources given")
	}
	if err := s.running(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
	defer cancel()
	return s.rt.Update(ctx, s.cfg.ID, resources)
}

// pids lists the host pids of the container's processes.
func (s *server) pids() (pidsReply, error) {
	if err := s.running(); err != nil {
		return pidsReply{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
	defer cancel()
	pids, err := s.rt.Ps(ctx, s.cfg.ID)
	if pids == nil {
		pids = []int{}
	}
	return pidsReply{Pids: pids}, err
}
