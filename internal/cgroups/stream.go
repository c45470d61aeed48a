package cgroups

import (
	"context"
	"time"

	apicontainer "github.com/moby/moby/api/types/container"
)

// StreamInterval is how often Stream samples, as in Docker.
const StreamInterval = time.Second

// Stream samples the cgroup into ch and closes it. Streaming, it sends a
// sample every StreamInterval, each with the previous one's CPU figures as
// precpu, until ctx ends or running says the container stopped. Not
// streaming, it sends one sample whose precpu was taken an interval
// earlier, so that a CPU percentage can be computed from it. When the
// container stops first, the last thing sent is base alone, as Docker
// sends for a stopped container. add, if set, fills in each sample what
// the cgroup does not know (the network interfaces' counters).
func (c Cgroup) Stream(ctx context.Context, base apicontainer.StatsResponse, stream bool, running func() bool, add func(*apicontainer.StatsResponse), ch chan<- apicontainer.StatsResponse) {
	defer close(ch)
	send := func(s apicontainer.StatsResponse) bool {
		select {
		case ch <- s:
			return true
		case <-ctx.Done():
			return false
		}
	}
	sample := func() (apicontainer.StatsResponse, error) {
		s, err := c.Sample(base)
		if err == nil && add != nil {
			add(&s)
		}
		return s, err
	}
	prev, err := sample()
	if err != nil {
		send(base) // it stopped meanwhile
		return
	}
	if stream && !send(prev) {
		return
	}
	tick := time.NewTicker(StreamInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		cur, err := sample()
		if err != nil || !running() {
			if !stream {
				send(base)
			}
			return
		}
		cur.PreRead, cur.PreCPUStats = prev.Read, prev.CPUStats
		if !send(cur) || !stream {
			return
		}
		prev = cur
	}
}
