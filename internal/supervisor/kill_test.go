package supervisor

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	apicontainer "github.com/moby/moby/api/types/container"
)

// TestKillWaitsForExit: a SIGKILL returns only once the exit is recorded,
// so that a removal right after it finds the container stopped.
func TestKillWaitsForExit(t *testing.T) {
	h := newHarness(t)
	c := h.add("k", apicontainer.HostConfig{})
	h.rt.prepare = func(t *fakeTask) { delete(t.exitOn, syscall.SIGKILL) }
	h.sup.Start(ctx, c.ID)
	task := h.rt.task(c.ID)
	done := make(chan error, 1)
	go func() { done <- h.sup.Kill(ctx, c.ID, "KILL") }()
	h.eventually("the signal", func() bool { return len(task.sent()) == 1 })
	select {
	case err := <-done:
		t.Fatalf("kill returned before the exit: %v", err)
	default:
	}
	task.exitWith(137, false)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := h.status(c.ID); s != container.Exited {
		t.Fatalf("status after kill: %s", s)
	}
}

// TestKillWithStopSignalIsManualStop: the container's own stop signal
// stops it for good, as docker stop would.
func TestKillWithStopSignalIsManualStop(t *testing.T) {
	h := newHarness(t)
	c := h.add("k", apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}})
	h.store.Update(c.ID, func(c *container.Container) error {
		cfg := *c.Config
		cfg.StopSignal = "SIGUSR1"
		c.Config = &cfg
		return nil
	})
	h.rt.prepare = func(t *fakeTask) { t.exitOn[syscall.SIGUSR1] = 0 }
	h.sup.Start(ctx, c.ID)
	if err := h.sup.Kill(ctx, c.ID, "usr1"); err != nil {
		t.Fatal(err)
	}
	h.eventually("the exit", func() bool { return h.status(c.ID) == container.Exited })
	if !h.get(c.ID).ManuallyStopped || h.rt.creates() != 1 {
		t.Fatalf("manually stopped %v, creates %d: the policy restarted it", h.get(c.ID).ManuallyStopped, h.rt.creates())
	}
}

// TestRestartKeepsAutoRemove: restarting a --rm container does not remove
// it, and a client that goes away does not cut the restart short.
func TestRestartKeepsAutoRemove(t *testing.T) {
	h := newHarness(t)
	c := h.add("rm", apicontainer.HostConfig{AutoRemove: true})
	h.sup.Start(ctx, c.ID)
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if err := h.sup.Restart(gone, c.ID, backend.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	if h.wasRemoved(c.ID) || h.status(c.ID) != container.Running || h.rt.creates() != 2 {
		t.Fatalf("removed %v, status %s, creates %d", h.wasRemoved(c.ID), h.status(c.ID), h.rt.creates())
	}
	// Its next exit still removes it.
	h.rt.task(c.ID).exitWith(0, false)
	h.eventually("the removal", func() bool { return h.wasRemoved(c.ID) })
}

// TestKillRestarting: nothing runs in a restarting container; a kill
// with a stopping signal ends its restart loop, another is a no-op.
func TestKillRestarting(t *testing.T) {
	h := newHarness(t)
	c := h.add("loop", apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}})
	h.store.Update(c.ID, func(c *container.Container) error {
		c.State.SetRestarting(1, time.Now().UTC())
		return nil
	})
	if err := h.sup.Kill(ctx, c.ID, "HUP"); err != nil || h.status(c.ID) != container.Restarting {
		t.Fatalf("HUP: %v, status %s", err, h.status(c.ID))
	}
	if err := h.sup.Kill(ctx, c.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got := h.get(c.ID); got.State.Status != container.Exited || !got.ManuallyStopped {
		t.Fatalf("after SIGKILL: %s, manually stopped %v", got.State.Status, got.ManuallyStopped)
	}
}
