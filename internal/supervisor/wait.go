package supervisor

import (
	"context"
	"sync"

	apicontainer "github.com/moby/moby/api/types/container"
)

// waitList holds the clients of POST /containers/{id}/wait. A registration
// reads the container's state under the same lock that notifications take,
// after the store was updated, so no exit falls between the two.
type waitList struct {
	mu      sync.Mutex
	exit    map[string][]chan apicontainer.WaitResponse
	removed map[string][]chan apicontainer.WaitResponse
}

func (w *waitList) add(m *map[string][]chan apicontainer.WaitResponse, id string) chan apicontainer.WaitResponse {
	if *m == nil {
		*m = map[string][]chan apicontainer.WaitResponse{}
	}
	ch := make(chan apicontainer.WaitResponse, 1)
	(*m)[id] = append((*m)[id], ch)
	return ch
}

// notifyExit answers the exit waiters of a container.
func (w *waitList) notifyExit(id string, code int, errMsg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	send(w.exit[id], code, errMsg)
	delete(w.exit, id)
}

// notifyRemoved answers everyone still waiting on a removed container.
func (w *waitList) notifyRemoved(id string, code int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	send(w.removed[id], code, "")
	send(w.exit[id], code, "")
	delete(w.removed, id)
	delete(w.exit, id)
}

func send(chs []chan apicontainer.WaitResponse, code int, errMsg string) {
	resp := apicontainer.WaitResponse{StatusCode: int64(code)}
	if errMsg != "" {
		resp.Error = &apicontainer.WaitExitError{Message: errMsg}
	}
	for _, ch := range chs {
		ch <- resp
	}
}

// Wait registers a wait; the channel answers once the condition
// holds.
func (s *Supervisor) Wait(ctx context.Context, name string, cond apicontainer.WaitCondition) (<-chan apicontainer.WaitResponse, error) {
	c, err := s.store.Get(name)
	if err != nil {
		return nil, err
	}
	s.waits.mu.Lock()
	defer s.waits.mu.Unlock()
	// Re-read under the wait lock: an exit committed before this point has
	// already notified, so its result must come from the state.
	c, err = s.store.Get(c.ID)
	if err != nil {
		return nil, err
	}
	switch cond {
	case apicontainer.WaitConditionNextExit:
		return s.waits.add(&s.waits.exit, c.ID), nil
	case apicontainer.WaitConditionRemoved:
		return s.waits.add(&s.waits.removed, c.ID), nil
	}
	if !c.State.IsRunning() {
		ch := make(chan apicontainer.WaitResponse, 1)
		send([]chan apicontainer.WaitResponse{ch}, c.State.ExitCode, "")
		return ch, nil
	}
	return s.waits.add(&s.waits.exit, c.ID), nil
}

// WaitExit registers for the next exit of a running container; running is
// false when it is not running.
func (s *Supervisor) WaitExit(id string) (<-chan apicontainer.WaitResponse, bool) {
	s.waits.mu.Lock()
	defer s.waits.mu.Unlock()
	c, err := s.store.Get(id)
	if err != nil || !c.State.IsRunning() {
		return nil, false
	}
	return s.waits.add(&s.waits.exit, id), true
}

// Removed answers the clients waiting for container id to go away.
func (s *Supervisor) Removed(id string, exitCode int) { s.waits.notifyRemoved(id, exitCode) }
