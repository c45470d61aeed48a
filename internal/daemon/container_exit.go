package daemon

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/mount"
	"github.com/berth/berth/internal/shim"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// shimSet holds the connections to live shims by container ID.
type shimSet struct {
	mu sync.Mutex
	m  map[string]*shim.Client
}

func (s *shimSet) set(id string, c *shim.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]*shim.Client{}
	}
	s.m[id] = c
}

func (s *shimSet) get(id string) *shim.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[id]
}

func (s *shimSet) drop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

// monitor waits for the end of one run (generation) of a container.
func (d *Daemon) monitor(id string, gen int, cl *shim.Client) {
	st, err := cl.Wait(context.Background())
	if err != nil {
		if d.shuttingDown() {
			return // the next berthd finds the shim or its exit file
		}
		// The shim is gone; the exit file says how the container ended.
		if st, err = shim.ReadExitFile(d.exitFile(id)); err != nil {
			slog.Warn("container ended without an exit status", "container", id, "error", err)
			st = shim.ExitStatus{ExitCode: 255, ExitedAt: time.Now().UTC()}
		}
	}
	d.handleExit(id, gen, st)
}

// handleExit records the end of a run, then restarts, removes or just
// leaves the container as its configuration says.
func (d *Daemon) handleExit(id string, gen int, st shim.ExitStatus) {
	unlock := d.containers.Lock(id)
	c, err := d.containers.Get(id)
	if err != nil || c.Generation != gen || !c.State.IsRunning() {
		unlock()
		return
	}
	d.shims.drop(id)
	at := st.ExitedAt
	if at.IsZero() {
		at = time.Now().UTC()
	}
	restart, delay := d.backoff.decide(c, st.ExitCode, at)
	c, err = d.containers.Update(id, func(c *container.Container) error {
		if restart {
			c.State.SetRestarting(st.ExitCode, at)
			c.RestartCount++
		} else {
			c.State.SetExited(st.ExitCode, st.OOMKilled, at, "")
		}
		return nil
	})
	if err != nil {
		unlock()
		slog.Error("recording a container's exit", "container", id, "error", err)
		return
	}
	if !restart {
		d.releaseRuntime(c)
	}
	unlock()

	if st.OOMKilled {
		d.logContainerEvent(c, events.ActionOOM, nil)
	}
	d.logContainerEvent(c, events.ActionDie, map[string]string{"exitCode": strconv.Itoa(st.ExitCode)})
	d.waits.notifyExit(id, st.ExitCode, "")
	switch {
	case restart:
		time.AfterFunc(delay, func() { d.restartByPolicy(id) })
	case c.HostConfig.AutoRemove:
		if err := d.ContainerRemove(context.Background(), id, backend.RemoveOptions{RemoveVolumes: true}); err != nil {
			slog.Warn("auto-removing container", "container", id, "error", err)
		}
	}
}

// releaseRuntime takes down what a stopped container no longer needs:
// its root filesystem mount and its bundle. The writable layer stays.
func (d *Daemon) releaseRuntime(c *container.Container) {
	d.releaseMounts(c)
	if err := mount.Unmount(d.rootfsDir(c.ID)); err != nil {
		slog.Warn("unmounting container rootfs", "container", c.ID, "error", err)
	}
	os.RemoveAll(d.bundleDir(c.ID))
	d.releaseNetwork(context.Background(), c)
}

// restartByPolicy starts a container again after its back-off delay,
// unless someone stopped or removed it meanwhile.
func (d *Daemon) restartByPolicy(id string) {
	unlock := d.containers.Lock(id)
	defer unlock()
	c, err := d.containers.Get(id)
	if err != nil || c.State.Status != container.Restarting {
		return
	}
	if err := d.startLocked(context.Background(), c, true); err != nil {
		slog.Warn("restart policy could not start the container", "container", id, "error", err)
		d.updateOrLog(id, func(c *container.Container) error {
			c.State.SetExited(c.State.ExitCode, false, time.Now().UTC(), err.Error())
			return nil
		})
		d.releaseRuntime(c)
		d.waits.notifyExit(id, c.State.ExitCode, err.Error())
		return
	}
	d.logContainerEvent(c, events.ActionRestart, nil)
}

// backoffs keeps the restart delay of each container: it starts at 100ms
// and doubles with every restart, up to a minute, and falls back once a
// run lasted ten seconds, as Docker's restart manager does.
type backoffs struct {
	mu    sync.Mutex
	delay map[string]time.Duration
}

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
	if next == 0 || exitedAt.Sub(c.State.StartedAt) >= 10*time.Second {
		next = 100 * time.Millisecond
	}
	if next > time.Minute {
		next = time.Minute
	}
	b.delay[c.ID] = next
	return true, next
}

// logContainerEvent publishes a container event with Docker's attributes:
// name, image and the container's labels.
func (d *Daemon) logContainerEvent(c *container.Container, action events.Action, extra map[string]string) {
	attrs := map[string]string{"name": c.Name, "image": c.Config.Image}
	for k, v := range c.Config.Labels {
		attrs[k] = v
	}
	for k, v := range extra {
		attrs[k] = v
	}
	d.events.Log(events.ContainerEventType, action, events.Actor{ID: c.ID, Attributes: attrs})
}

// updateOrLog records a state change on a path that is already handling a
// failure (the caller returns that failure); a store error on top of it
// can only be logged.
func (d *Daemon) updateOrLog(id string, fn func(*container.Container) error) {
	if _, err := d.containers.Update(id, fn); err != nil {
		slog.Error("recording container state", "container", id, "error", err)
	}
}
