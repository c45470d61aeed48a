package supervisor

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

func TestWaitConditions(t *testing.T) {
	h := newHarness(t)
	c := h.add("w", apicontainer.HostConfig{})
	// not-running on a created container answers at once.
	ch, err := h.sup.Wait(ctx, c.ID, apicontainer.WaitConditionNotRunning)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-ch:
		if r.StatusCode != 0 {
			t.Fatalf("status %d", r.StatusCode)
		}
	case <-time.After(time.Second):
		t.Fatal("not-running wait on a created container blocked")
	}
	next, _ := h.sup.Wait(ctx, c.ID, apicontainer.WaitConditionNextExit)
	removed, _ := h.sup.Wait(ctx, c.ID, apicontainer.WaitConditionRemoved)
	h.sup.Start(ctx, c.ID)
	h.rt.task(c.ID).exitWith(7, false)
	if r := <-next; r.StatusCode != 7 {
		t.Fatalf("next-exit got %d", r.StatusCode)
	}
	select {
	case <-removed:
		t.Fatal("removed answered before the removal")
	case <-time.After(50 * time.Millisecond):
	}
	h.sup.Removed(c.ID, 7)
	if r := <-removed; r.StatusCode != 7 {
		t.Fatalf("removed got %d", r.StatusCode)
	}
	if _, err := h.sup.Wait(ctx, "nosuch", apicontainer.WaitConditionNotRunning); !errdefs.IsNotFound(err) {
		t.Fatalf("wait on unknown: %v", err)
	}
}

func TestRestoreReconnectsAndRecordsExits(t *testing.T) {
	h := newHarness(t)
	alive := h.add("alive", apicontainer.HostConfig{})
	gone := h.add("gone", apicontainer.HostConfig{})
	lost := h.add("lost", apicontainer.HostConfig{})
	for _, c := range []*container.Container{alive, gone, lost} {
		if err := h.sup.Start(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	// The daemon stops; its tasks keep running or end while it is down.
	h.sup.Close()
	h.rt.connectable[alive.ID] = h.rt.task(alive.ID)
	h.rt.exits[gone.ID] = Exit{Code: 5, At: time.Now().UTC()}
	h.sup = h.newSupervisor()
	h.sup.Restore(ctx)
	if !h.sup.Running(alive.ID) || h.status(alive.ID) != container.Running {
		t.Fatal("the running container was not taken back")
	}
	if c := h.get(gone.ID); c.State.Status != container.Exited || c.State.ExitCode != 5 {
		t.Fatalf("exit while down: %+v", c.State)
	}
	if c := h.get(lost.ID); c.State.Status != container.Exited || c.State.ExitCode != 255 {
		t.Fatalf("no task and no exit record: %+v", c.State)
	}
	// The reconnected task is monitored again.
	h.rt.task(alive.ID).exitWith(0, false)
	h.eventually("exit after restore", func() bool { return h.status(alive.ID) == container.Exited })
}

func TestRestoreStartsByPolicy(t *testing.T) {
	h := newHarness(t)
	always := h.add("always", apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}})
	stopped := h.add("stopped", apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyUnlessStopped}})
	never := h.add("never", apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}})
	for _, c := range []*container.Container{always, stopped} {
		h.sup.Start(ctx, c.ID)
		h.sup.Stop(ctx, c.ID, stopOpts())
	}
	h.sup.Close()
	h.sup = h.newSupervisor()
	h.sup.Restore(ctx)
	if h.status(always.ID) != container.Running {
		t.Fatal("always restarts at daemon start even after a stop")
	}
	if h.status(stopped.ID) != container.Exited {
		t.Fatal("unless-stopped stays stopped after a manual stop")
	}
	if h.status(never.ID) != container.Created {
		t.Fatal("a container that never ran is not started by the policy")
	}
}

func TestMonitorFallsBackToTheExitRecord(t *testing.T) {
	h := newHarness(t)
	c := h.add("m", apicontainer.HostConfig{})
	h.sup.Start(ctx, c.ID)
	h.rt.exits[c.ID] = Exit{Code: 9, At: time.Now().UTC()}
	close(h.rt.task(c.ID).lost)
	h.eventually("recorded", func() bool { return h.status(c.ID) == container.Exited })
	if h.get(c.ID).State.ExitCode != 9 {
		t.Fatalf("exit code %d", h.get(c.ID).State.ExitCode)
	}
}

func TestStaleGenerationIsIgnored(t *testing.T) {
	h := newHarness(t)
	c := h.add("g", apicontainer.HostConfig{})
	h.sup.Start(ctx, c.ID)
	h.sup.handleExit(c.ID, 0, Exit{Code: 1})
	if h.status(c.ID) != container.Running {
		t.Fatal("an exit of an earlier run ended the current one")
	}
}

func TestBackoff(t *testing.T) {
	var b backoffs
	start := time.Now()
	c := &container.Container{ID: "x", HostConfig: &apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}},
		State: container.State{StartedAt: start}}
	want := []time.Duration{100, 200, 400, 800}
	for _, w := range want {
		ok, d := b.decide(c, 0, start.Add(time.Second))
		if !ok || d != w*time.Millisecond {
			t.Fatalf("delay %v, want %v", d, w*time.Millisecond)
		}
	}
	if _, d := b.decide(c, 0, start.Add(resetAfter)); d != minBackoff {
		t.Fatalf("after a long run the delay is %v, want %v", d, minBackoff)
	}
	for i := 0; i < 20; i++ {
		b.decide(c, 0, start)
	}
	if _, d := b.decide(c, 0, start); d != maxBackoff {
		t.Fatalf("delay capped at %v, want %v", d, maxBackoff)
	}
	c.HostConfig.RestartPolicy = apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyOnFailure}
	if ok, _ := b.decide(c, 0, start); ok {
		t.Fatal("on-failure restarts a clean exit")
	}
	c.HostConfig.RestartPolicy = apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyDisabled}
	if ok, _ := b.decide(c, 1, start); ok {
		t.Fatal("no policy restarts")
	}
}

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]syscall.Signal{"9": syscall.SIGKILL, "TERM": syscall.SIGTERM, "sigusr1": syscall.SIGUSR1, "SIGHUP": syscall.SIGHUP} {
		if got, err := ParseSignal(in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"0", "65", "-1", "NOPE"} {
		if _, err := ParseSignal(bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestStartErrorWords(t *testing.T) {
	cases := []struct {
		in   string
		code int
	}{
		{"executable file `x` not found in $PATH", 127},
		{"open /x: no such file or directory", 127},
		{"exec /x: permission denied", 126},
		{"cgroups: something", 128},
	}
	for _, c := range cases {
		code, err := startError(errors.New(c.in))
		if code != c.code || err == nil {
			t.Errorf("%q: %d", c.in, code)
		}
	}
	if code := execFailedCode(errors.New("exec: \"x\": executable file not found in $PATH")); code != 127 {
		t.Errorf("missing exec gives %d", code)
	}
	if code := execFailedCode(errors.New("shim gone")); code == 0 {
		t.Error("a failed exec reads as success")
	}
}

func TestRestoreAdoptsAStartItDidNotRecord(t *testing.T) {
	h := newHarness(t)
	started := h.add("started", apicontainer.HostConfig{})
	created := h.add("created", apicontainer.HostConfig{})
	// The previous daemon was killed after the runtime ran these tasks
	// and before it recorded them: both records still say created.
	running := newFakeTask(started.ID)
	running.status = "running"
	unstarted := newFakeTask(created.ID)
	h.rt.connectable[started.ID] = running
	h.rt.connectable[created.ID] = unstarted
	h.sup.Restore(ctx)
	got := h.get(started.ID)
	if got.State.Status != container.Running || got.State.Pid != 4242 || !h.sup.Running(started.ID) {
		t.Fatalf("a running task was not taken over: %+v", got.State)
	}
	if s := unstarted.sent(); len(s) != 1 || s[0] != syscall.SIGKILL {
		t.Fatalf("an unstarted task got %v, want SIGKILL", s)
	}
	if h.status(created.ID) != container.Created || h.sup.Running(created.ID) {
		t.Fatal("an unstarted task's container is not running")
	}
	if _, released, _ := h.env.counts(); released != 1 {
		t.Fatalf("released %d times, want once for the unstarted task", released)
	}
	running.exitWith(0, false)
	h.eventually("adopted task monitored", func() bool { return h.status(started.ID) == container.Exited })
}

func TestExitReleasesBeforeItIsRecorded(t *testing.T) {
	h := newHarness(t)
	c := h.add("order", apicontainer.HostConfig{})
	h.sup.Start(ctx, c.ID)
	var statusAtRelease container.Status
	h.env.onRelease = func() { statusAtRelease = h.status(c.ID) }
	h.rt.task(c.ID).exitWith(0, false)
	h.eventually("exit", func() bool { return h.status(c.ID) == container.Exited })
	if statusAtRelease != container.Running {
		t.Fatalf("the exit was visible (%s) before the run's resources were released", statusAtRelease)
	}
}
