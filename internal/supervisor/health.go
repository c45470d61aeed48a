package supervisor

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// A healthRunner runs the health check of one run of a container: a probe
// every interval (every start interval while the container is starting
// within its start period), each result recorded in the container's State.
// It lives while the run does and is not paused; a run that starts again,
// is unpaused or is taken over after a daemon restart gets a fresh one.
type healthRunner struct {
	id   string
	gen  int
	task Task
	halt chan struct{} // closed by stop
	once sync.Once
	// mu orders stop against recording a result: once stopped, no
	// result of this runner reaches the store.
	mu      sync.Mutex
	stopped bool
	done    chan struct{} // closed when the runner and its probe ended
}

// stop ends the runner; a probe in flight is killed.
func (r *healthRunner) stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.once.Do(func() { close(r.halt) })
}

// healthSet holds the runners by container ID.
type healthSet struct {
	mu sync.Mutex
	m  map[string]*healthRunner
}

// swap installs r for its container and returns the runner it replaces.
func (h *healthSet) swap(r *healthRunner) *healthRunner {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]*healthRunner{}
	}
	old := h.m[r.id]
	h.m[r.id] = r
	return old
}

func (h *healthSet) take(id string) *healthRunner {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.m[id]
	delete(h.m, id)
	return r
}

func (h *healthSet) takeAll() []*healthRunner {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*healthRunner
	for id, r := range h.m {
		out = append(out, r)
		delete(h.m, id)
	}
	return out
}

// startHealth starts probing the current run of c (as recorded, running)
// through task, if c has a health check.
func (s *Supervisor) startHealth(c *container.Container, task Task) {
	if _, _, ok := container.HealthProbe(c.Config); !ok {
		return
	}
	r := &healthRunner{id: c.ID, gen: c.Generation, task: task, halt: make(chan struct{}), done: make(chan struct{})}
	if old := s.health.swap(r); old != nil {
		old.stop()
	}
	go s.runHealth(r, c)
}

// stopHealth stops probing container id; it returns at once, and the
// probe in flight, if any, is killed in the background.
func (s *Supervisor) stopHealth(id string) {
	if r := s.health.take(id); r != nil {
		r.stop()
	}
}

// runHealth is the runner's loop: the first probe one interval after it
// starts, the next one interval after each probe ended, as Docker.
func (s *Supervisor) runHealth(r *healthRunner, c *container.Container) {
	defer close(r.done)
	timing := container.Timing(c.Config.Healthcheck)
	status := c.State.HealthStatus()
	interval := func() time.Duration {
		if status == apicontainer.Starting && time.Since(c.State.StartedAt) < timing.StartPeriod {
			return timing.StartInterval
		}
		return timing.Interval
	}
	timer := time.NewTimer(interval())
	defer timer.Stop()
	for {
		select {
		case <-r.halt:
			return
		case <-timer.C:
		}
		ctx, cancel := context.WithCancel(context.Background())
		result := make(chan apicontainer.HealthcheckResult, 1)
		go func() { result <- s.probe(ctx, c, r.task, timing.Timeout) }()
		select {
		case <-r.halt:
			cancel()
			<-result // the probe is killed; wait so that none piles up
			return
		case res := <-result:
			cancel()
			if st, ok := s.recordProbe(r, res, timing); ok {
				status = st
			}
		}
		timer.Reset(interval())
	}
}

// errStaleProbe refuses a result that arrived after its runner stopped or
// its run ended.
var errStaleProbe = errors.New("health check result of an ended run")

// recordProbe stores one probe result in the container's State and
// publishes Docker's health_status event when the status changed.
func (s *Supervisor) recordProbe(r *healthRunner, res apicontainer.HealthcheckResult, t container.HealthTiming) (apicontainer.HealthStatus, bool) {
	changed := false
	c, err := s.store.Update(r.id, func(c *container.Container) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.stopped || c.Generation != r.gen || c.State.Status != container.Running {
			return errStaleProbe
		}
		changed = c.State.RecordProbe(res, t)
		return nil
	})
	if err != nil {
		if !errors.Is(err, errStaleProbe) && !errdefs.IsNotFound(err) {
			slog.Warn("recording a health check result", "container", r.id, "error", err)
		}
		return "", false
	}
	status := c.State.HealthStatus()
	if changed {
		s.event(c, events.Action(string(events.ActionHealthStatus)+": "+string(status)), nil)
	}
	return status, true
}
