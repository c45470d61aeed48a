package supervisor

import (
	"sync"
	"time"

	"github.com/berth/berth/internal/container"
	apicontainer "github.com/moby/moby/api/types/container"
)

// The restart back-off, as Docker's restart manager: the delay starts at
// minBackoff and doubles with every restart up to maxBackoff, and falls
// back once a run lasted resetAfter.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = time.Minute
	resetAfter = 10 * time.Second
)

// backoffs keeps the restart delay of each container.
type backoffs struct {
	mu    sync.Mutex
	delay map[string]time.Duration
}

// decide says whether a run that ended with code is restarted, and after
// how long.
func (b *backoffs) decide(c *container.Container, code int, exitedAt time.Time) (bool, time.Duration) {
	p := c.HostConfig.RestartPolicy
	restart := false
	switch p.Name {
	case apicontainer.RestartPolicyAlways, apicontainer.RestartPolicyUnlessStopped:
		restart = !c.ManuallyStopped
	case apicontainer.RestartPolicyOnFailure:
		restart = !c.ManuallyStopped && code != 0 && (p.MaximumRetryCount == 0 || c.RestartCount < p.MaximumRetryCount)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.delay == nil {
		b.delay = map[string]time.Duration{}
	}
	if !restart {
		delete(b.delay, c.ID)
		return false, 0
	}
	next := b.delay[c.ID] * 2
	if next == 0 || exitedAt.Sub(c.State.StartedAt) >= resetAfter {
		next = minBackoff
	}
	if next > maxBackoff {
		next = maxBackoff
	}
	b.delay[c.ID] = next
	return true, next
}
