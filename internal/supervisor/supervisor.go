package supervisor

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/berth/berth/internal/container"
	"github.com/moby/moby/api/types/events"
)

// Config wires a Supervisor to the services it drives.
type Config struct {
	Store       *container.Store
	Runtime     Runtime
	Environment Environment
	Events      EventSink
	// Remove deletes a container and its anonymous volumes; the supervisor
	// calls it for --rm containers whose run ended or failed to start.
	Remove func(ctx context.Context, id string) error
	// RootfsDir is where a container's root filesystem is mounted while
	// it runs (exec processes resolve users and paths there).
	RootfsDir func(id string) string
	// NoNewPrivileges is the daemon's default for exec and health check
	// processes, as for the containers' own.
	NoNewPrivileges bool
	// Leftovers finds what a container that does not run still holds of
	// a run, for the store check; nil checks none.
	Leftovers Leftovers
}

// Supervisor owns the life cycle of containers; see the package doc.
type Supervisor struct {
	cfg     Config
	store   *container.Store
	tasks   taskSet
	waits   waitList
	pending pendingAttaches
	backoff backoffs
	execs   execSet
	health  healthSet
	// frozen counts the freezes (commits) under way per container: the
	// store check leaves a container frozen by one alone.
	frozen  sync.Map // id → *atomic.Int32
	closing atomic.Bool
	// restarts holds the IDs of containers a Restart is stopping: their
	// exit does not auto-remove them (--rm).
	restarts sync.Map
}

// New returns a supervisor; call Restore once to take over the containers
// a previous daemon ran.
func New(cfg Config) *Supervisor {
	return &Supervisor{cfg: cfg, store: cfg.Store}
}

// Close makes the monitors leave their tasks alone: the containers keep
// running for the next daemon to find, which checks their health again.
func (s *Supervisor) Close() {
	s.closing.Store(true)
	for _, r := range s.health.takeAll() {
		r.stop()
	}
}

func (s *Supervisor) shuttingDown() bool { return s.closing.Load() }

// Running reports whether container id has a live task.
func (s *Supervisor) Running(id string) bool { return s.tasks.get(id) != nil }

func (s *Supervisor) event(c *container.Container, action events.Action, extra map[string]string) {
	if s.cfg.Events != nil {
		s.cfg.Events(c, action, extra)
	}
}

// updateOrLog records a state change on a path that is already handling a
// failure (the caller returns that failure); a store error on top of it
// can only be logged.
func (s *Supervisor) updateOrLog(id string, fn func(*container.Container) error) {
	if _, err := s.store.Update(id, fn); err != nil {
		slog.Error("recording container state", "container", id, "error", err)
	}
}

// taskSet holds the live tasks by container ID.
type taskSet struct {
	mu sync.Mutex
	m  map[string]Task
}

func (t *taskSet) set(id string, task Task) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]Task{}
	}
	t.m[id] = task
}

func (t *taskSet) get(id string) Task {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[id]
}

func (t *taskSet) drop(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, id)
}

// Cleanup removes the runtime state a task that died left behind.
func (s *Supervisor) Cleanup(ctx context.Context, req CreateRequest) error {
	return s.cfg.Runtime.Cleanup(ctx, req)
}
