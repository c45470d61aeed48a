package supervisor

import (
	"sync"
	"time"
)

// pendingAttaches holds attach requests made before their container
// started (docker run attaches first, then starts). Start hands each one
// the new task and waits until it is connected, so no output is missed.
type pendingAttaches struct {
	mu sync.Mutex
	m  map[string][]*pendingAttach
}

type pendingAttach struct {
	task  chan Task
	ready chan struct{}
}

// add registers a waiter; cancel withdraws it.
func (p *pendingAttaches) add(id string) (*pendingAttach, func()) {
	pa := &pendingAttach{task: make(chan Task, 1), ready: make(chan struct{})}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string][]*pendingAttach{}
	}
	p.m[id] = append(p.m[id], pa)
	return pa, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		list := p.m[id]
		for i, x := range list {
			if x == pa {
				p.m[id] = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(p.m[id]) == 0 {
			delete(p.m, id)
		}
	}
}

// connect gives every waiter of id the task and waits (briefly) for each
// to have its stream open.
func (p *pendingAttaches) connect(id string, t Task) {
	p.mu.Lock()
	list := p.m[id]
	delete(p.m, id)
	p.mu.Unlock()
	for _, pa := range list {
		pa.task <- t
	}
	deadline := time.After(5 * time.Second)
	for _, pa := range list {
		select {
		case <-pa.ready:
		case <-deadline:
			return
		}
	}
}

// fail tells the waiters of id that the start they wait for failed; their
// attach ends without a stream.
func (p *pendingAttaches) fail(id string) {
	p.mu.Lock()
	list := p.m[id]
	delete(p.m, id)
	p.mu.Unlock()
	for _, pa := range list {
		close(pa.task)
	}
}
