package supervisor

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

var ctx = context.Background()

func TestStartRecordsRunningAndMonitors(t *testing.T) {
	h := newHarness(t)
	c := h.add("web", apicontainer.HostConfig{})
	if err := h.sup.Start(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	got := h.get(c.ID)
	if got.State.Status != container.Running || got.State.Pid != 4242 || got.Generation != 1 {
		t.Fatalf("state after start = %+v generation %d", got.State, got.Generation)
	}
	if !h.sup.Running(c.ID) || !h.sawEvent("start") {
		t.Fatal("no live task or no start event")
	}
	if err := h.sup.Start(ctx, c.ID); !errdefs.IsNotModified(err) {
		t.Fatalf("second start: %v, want not modified", err)
	}
	h.rt.task(c.ID).exitWith(3, false)
	h.eventually("exit recorded", func() bool { return h.status(c.ID) == container.Exited })
	got = h.get(c.ID)
	if got.State.ExitCode != 3 || got.State.FinishedAt.IsZero() || h.sup.Running(c.ID) {
		t.Fatalf("after exit: %+v", got.State)
	}
	if _, released, _ := h.env.counts(); released != 1 {
		t.Fatalf("released %d times, want 1", released)
	}
	h.eventually("die event", func() bool { return h.sawEvent("die") })
}

func TestStartRefusesPausedAndRemoving(t *testing.T) {
	h := newHarness(t)
	c := h.add("p", apicontainer.HostConfig{})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.sup.Pause(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.sup.Start(ctx, c.ID); !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "try unpause instead") {
		t.Fatalf("start of paused: %v", err)
	}
	r := h.add("r", apicontainer.HostConfig{})
	h.store.Update(r.ID, func(c *container.Container) error { return c.State.SetRemoving() })
	if err := h.sup.Start(ctx, r.ID); !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "marked for removal") {
		t.Fatalf("start of removing: %v", err)
	}
	if err := h.sup.Start(ctx, "nosuch"); !errdefs.IsNotFound(err) {
		t.Fatalf("start of unknown: %v", err)
	}
}

func TestStartFailureIsDockersAndUndone(t *testing.T) {
	h := newHarness(t)
	c := h.add("bad", apicontainer.HostConfig{AutoRemove: true})
	h.rt.createErr = errors.New("executable file `nope` not found in $PATH")
	err := h.sup.Start(ctx, c.ID)
	if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), `exec: "nope": executable file not found in $PATH`) {
		t.Fatalf("start error = %v", err)
	}
	if _, _, aborted := h.env.counts(); aborted != 1 {
		t.Fatalf("aborted %d times, want 1", aborted)
	}
	h.eventually("--rm container removed", func() bool { return h.wasRemoved(c.ID) })
}

func TestStartFailureKeepsExitCodeOfCreated(t *testing.T) {
	h := newHarness(t)
	c := h.add("perm", apicontainer.HostConfig{})
	h.rt.createErr = errors.New("exec /bin/x: permission denied")
	h.sup.Start(ctx, c.ID)
	got := h.get(c.ID)
	if got.State.Status != container.Created || got.State.ExitCode != 126 || got.State.Error == "" {
		t.Fatalf("state = %+v", got.State)
	}
}

func TestReadyFailureKillsTheTask(t *testing.T) {
	h := newHarness(t)
	c := h.add("net", apicontainer.HostConfig{})
	h.env.readyErr = errors.New("no address left")
	if err := h.sup.Start(ctx, c.ID); err == nil || err.Error() != "no address left" {
		t.Fatalf("start = %v", err)
	}
	task := h.rt.task(c.ID)
	if s := task.sent(); len(s) != 1 || s[0] != syscall.SIGKILL {
		t.Fatalf("signals = %v, want SIGKILL", s)
	}
	if h.sup.Running(c.ID) || h.status(c.ID) != container.Created {
		t.Fatal("a task whose endpoints failed is not running")
	}
}

func TestStopSignalsThenKills(t *testing.T) {
	h := newHarness(t)
	c := h.add("s", apicontainer.HostConfig{})
	h.sup.Start(ctx, c.ID)
	task := h.rt.task(c.ID)
	task.mu.Lock()
	task.ignore[syscall.SIGTERM] = true
	task.mu.Unlock()
	zero := 0
	if err := h.sup.Stop(ctx, c.ID, backend.StopOptions{Timeout: &zero}); err != nil {
		t.Fatal(err)
	}
	if s := task.sent(); len(s) != 2 || s[0] != syscall.SIGTERM || s[1] != syscall.SIGKILL {
		t.Fatalf("signals = %v, want TERM then KILL", s)
	}
	got := h.get(c.ID)
	if got.State.Status != container.Exited || got.State.ExitCode != 137 || !got.ManuallyStopped {
		t.Fatalf("after stop: %+v manual=%v", got.State, got.ManuallyStopped)
	}
	if err := h.sup.Stop(ctx, c.ID, backend.StopOptions{}); !errdefs.IsNotModified(err) {
		t.Fatalf("stop of stopped: %v", err)
	}
}

// A stop that comes while a start is under way stops the container once it
// runs, instead of answering "already stopped" and leaving it running.
func TestStopWaitsForAStartUnderWay(t *testing.T) {
	h := newHarness(t)
	c := h.add("s", apicontainer.HostConfig{})
	creating, release := make(chan struct{}), make(chan struct{})
	h.rt.prepare = func(*fakeTask) { close(creating); <-release }
	started := make(chan error, 1)
	go func() { started <- h.sup.Start(ctx, c.ID) }()
	<-creating
	stopped := make(chan error, 1)
	go func() { stopped <- h.sup.Stop(ctx, c.ID, backend.StopOptions{}) }()
	select {
	case err := <-stopped:
		t.Fatalf("stop returned (%v) while the start was under way", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("stop after the start: %v", err)
	}
	if got := h.get(c.ID); got.State.Status != container.Exited || !got.ManuallyStopped {
		t.Fatalf("after stop: %+v manual=%v", got.State, got.ManuallyStopped)
	}
}

func TestStopUsesTheContainersStopSignal(t *testing.T) {
	h := newHarness(t)
	c := h.add("sig", apicontainer.HostConfig{})
	h.store.Update(c.ID, func(c *container.Container) error {
		cfg := *c.Config
		cfg.StopSignal = "SIGUSR1"
		c.Config = &cfg
		return nil
	})
	h.rt.prepare = func(t *fakeTask) { t.exitOn[syscall.SIGUSR1] = 0 }
	h.sup.Start(ctx, c.ID)
	if err := h.sup.Stop(ctx, c.ID, backend.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := h.rt.task(c.ID).sent(); len(s) != 1 || s[0] != syscall.SIGUSR1 {
		t.Fatalf("signals = %v", s)
	}
}

func TestKill(t *testing.T) {
	h := newHarness(t)
	c := h.add("k", apicontainer.HostConfig{})
	if err := h.sup.Kill(ctx, c.ID, ""); !errdefs.IsConflict(err) || !strings.Contains(err.Error(), "is not running") {
		t.Fatalf("kill of created: %v", err)
	}
	h.sup.Start(ctx, c.ID)
	if err := h.sup.Kill(ctx, c.ID, "BOGUS"); !errdefs.IsInvalidArgument(err) || err.Error() != "Invalid signal: BOGUS" {
		t.Fatalf("kill BOGUS: %v", err)
	}
	if err := h.sup.Kill(ctx, c.ID, "hup"); err != nil {
		t.Fatal(err)
	}
	if h.get(c.ID).ManuallyStopped {
		t.Fatal("a HUP is not a manual stop")
	}
	if err := h.sup.Kill(ctx, c.ID, ""); err != nil {
		t.Fatal(err)
	}
	h.eventually("killed", func() bool { return h.status(c.ID) == container.Exited })
	if !h.get(c.ID).ManuallyStopped {
		t.Fatal("SIGKILL is a manual stop")
	}
}

func TestRestartPolicyOnFailureCountsRetries(t *testing.T) {
	h := newHarness(t)
	c := h.add("r", apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyOnFailure, MaximumRetryCount: 2}})
	h.sup.Start(ctx, c.ID)
	for run := 1; run <= 3; run++ {
		h.eventually("run started", func() bool { return h.rt.creates() == run && h.status(c.ID) == container.Running })
		h.rt.task(c.ID).exitWith(1, false)
	}
	h.eventually("given up", func() bool { return h.status(c.ID) == container.Exited })
	got := h.get(c.ID)
	if got.RestartCount != 2 || h.rt.creates() != 3 {
		t.Fatalf("restart count %d, creates %d; want 2 and 3", got.RestartCount, h.rt.creates())
	}
	if !h.sawEvent("restart") {
		t.Fatal("no restart event")
	}
}

func TestRestartPolicyAlwaysHonoursManualStop(t *testing.T) {
	h := newHarness(t)
	c := h.add("a", apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}})
	h.sup.Start(ctx, c.ID)
	h.rt.task(c.ID).exitWith(0, false)
	h.eventually("restarted", func() bool { return h.rt.creates() == 2 && h.status(c.ID) == container.Running })
	if err := h.sup.Stop(ctx, c.ID, backend.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * minBackoff)
	if h.status(c.ID) != container.Exited || h.rt.creates() != 2 {
		t.Fatalf("a stopped always container came back: %s after %d creates", h.status(c.ID), h.rt.creates())
	}
}

func TestAutoRemoveAfterExit(t *testing.T) {
	h := newHarness(t)
	c := h.add("rm", apicontainer.HostConfig{AutoRemove: true})
	h.sup.Start(ctx, c.ID)
	h.rt.task(c.ID).exitWith(0, false)
	h.eventually("removed", func() bool { return h.wasRemoved(c.ID) })
}

func TestOOMKillIsRecorded(t *testing.T) {
	h := newHarness(t)
	c := h.add("oom", apicontainer.HostConfig{})
	h.sup.Start(ctx, c.ID)
	h.rt.task(c.ID).exitWith(137, true)
	h.eventually("exit", func() bool { return h.status(c.ID) == container.Exited })
	// The events follow the record: wait for them as a client would.
	h.eventually("oom event", func() bool { return h.sawEvent("oom") })
	if !h.get(c.ID).State.OOMKilled {
		t.Fatal("OOM kill not recorded")
	}
}

func TestRestartStopsAndStarts(t *testing.T) {
	h := newHarness(t)
	c := h.add("rs", apicontainer.HostConfig{})
	h.sup.Start(ctx, c.ID)
	if err := h.sup.Restart(ctx, c.ID, backend.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	got := h.get(c.ID)
	if got.State.Status != container.Running || got.Generation != 2 || h.rt.creates() != 2 {
		t.Fatalf("after restart: %+v gen %d", got.State, got.Generation)
	}
}

func TestTerminateForRemoval(t *testing.T) {
	h := newHarness(t)
	c := h.add("t", apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}})
	h.sup.Start(ctx, c.ID)
	if err := h.sup.Terminate(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if h.status(c.ID) != container.Exited {
		t.Fatalf("status %s", h.status(c.ID))
	}
	time.Sleep(3 * minBackoff)
	if h.rt.creates() != 1 {
		t.Fatal("the restart policy revived a container being removed")
	}
	if err := h.sup.Terminate(ctx, c.ID); err != nil {
		t.Fatalf("terminating a stopped container: %v", err)
	}
}

func stopOpts() backend.StopOptions { return backend.StopOptions{} }
