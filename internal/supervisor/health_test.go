package supervisor

import (
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/container"
	apicontainer "github.com/moby/moby/api/types/container"
)

// probeStep is what one probe does in a script.
type probeStep struct {
	out  string
	code int
	hang bool
}

// probeScript plays its steps in order, then repeats the last one, and
// remembers the commands it was run with.
type probeScript struct {
	mu    sync.Mutex
	steps []probeStep
	n     int
	args  [][]string
}

func (p *probeScript) run(args []string) (string, int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.args = append(p.args, args)
	st := p.steps[min(p.n, len(p.steps)-1)]
	p.n++
	return st.out, st.code, st.hang
}

func (p *probeScript) set(steps ...probeStep) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.steps, p.n = steps, 0
}

// played is how many probes ran since the last set.
func (p *probeScript) played() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *probeScript) runs() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.args)
}

// addChecked creates a container with health check hc whose tasks run
// their probes by script.
func (h *harness) addChecked(name string, hostConfig apicontainer.HostConfig, hc *apicontainer.HealthConfig, steps ...probeStep) (*container.Container, *probeScript) {
	h.t.Helper()
	script := &probeScript{steps: steps}
	h.rt.prepare = func(t *fakeTask) { t.probe = script.run }
	c := h.add(name, hostConfig)
	c, err := h.store.Update(c.ID, func(c *container.Container) error {
		cfg := *c.Config
		cfg.Healthcheck = hc
		c.Config = &cfg
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return c, script
}

func (h *harness) health(id string) apicontainer.Health {
	h.t.Helper()
	c := h.get(id)
	if c.State.Health == nil {
		return apicontainer.Health{}
	}
	return *c.State.Health
}

func (h *harness) eventList() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.events...)
}

func countOf(list []string, s string) int {
	n := 0
	for _, e := range list {
		if e == s {
			n++
		}
	}
	return n
}

func fast(retries int) *apicontainer.HealthConfig {
	return &apicontainer.HealthConfig{Test: []string{"CMD", "check", "--quick"}, Interval: 5 * time.Millisecond, Timeout: time.Second, Retries: retries}
}

func TestHealthFlapsWithRetries(t *testing.T) {
	h := newHarness(t)
	c, script := h.addChecked("flap", apicontainer.HostConfig{}, fast(2), probeStep{out: "ok\n"})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if st := h.health(c.ID).Status; st != apicontainer.Starting {
		t.Fatalf("status at start %q, want starting", st)
	}
	h.eventually("healthy", func() bool { return h.sawEvent("health_status: healthy") })
	if st := h.health(c.ID).Status; st != apicontainer.Healthy {
		t.Fatalf("status %q after the healthy event", st)
	}
	// One failure is not enough with two retries; the streak shows it.
	script.set(probeStep{out: "down\n", code: 1}, probeStep{out: "ok\n"})
	h.eventually("a failure counted and cleared", func() bool {
		return script.played() >= 2 && h.health(c.ID).Log[len(h.health(c.ID).Log)-1].Output == "ok\n"
	})
	if h.sawEvent("health_status: unhealthy") {
		t.Fatal("unhealthy after one failure with retries 2")
	}
	script.set(probeStep{out: "down\n", code: 1})
	h.eventually("unhealthy", func() bool { return h.sawEvent("health_status: unhealthy") })
	hl := h.health(c.ID)
	if hl.FailingStreak < 2 {
		t.Fatalf("after failures: %+v", hl)
	}
	last := hl.Log[len(hl.Log)-1]
	if last.ExitCode != 1 || last.Output != "down\n" || last.Start.IsZero() || last.End.Before(last.Start) {
		t.Fatalf("last result %+v", last)
	}
	script.set(probeStep{})
	h.eventually("healthy again", func() bool { return countOf(h.eventList(), "health_status: healthy") == 2 })
	if hl := h.health(c.ID); hl.FailingStreak != 0 || hl.Status != apicontainer.Healthy {
		t.Fatalf("after recovery: %+v, events %v", hl, h.eventList())
	}
	script.mu.Lock()
	got := script.args[0]
	script.mu.Unlock()
	if strings.Join(got, " ") != "check --quick" {
		t.Fatalf("probe ran %q", got)
	}
	if !h.sawEvent("exec_create: check --quick") || !h.sawEvent("exec_start: check --quick") || !h.sawEvent("exec_die") {
		t.Fatalf("no exec events for probes: %v", h.eventList())
	}
	if _, err := h.sup.ExecInspect(ctx, c.ID); err == nil {
		t.Fatal("a probe left an exec record")
	}
	h.sup.execs.mu.Lock()
	n := len(h.sup.execs.m)
	h.sup.execs.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d exec records after probes, want none", n)
	}
}

func TestHealthTimeoutKillsTheProbe(t *testing.T) {
	h := newHarness(t)
	hc := &apicontainer.HealthConfig{Test: []string{"CMD-SHELL", "sleep 60"}, Interval: 5 * time.Millisecond, Timeout: 20 * time.Millisecond, Retries: 1}
	c, script := h.addChecked("slow", apicontainer.HostConfig{}, hc, probeStep{out: "partial", hang: true})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	h.eventually("unhealthy", func() bool { return h.health(c.ID).Status == apicontainer.Unhealthy })
	last := h.health(c.ID).Log[0]
	if last.ExitCode != -1 || last.Output != "Health check exceeded timeout (20ms): partial" {
		t.Fatalf("timed out probe: %+v", last)
	}
	if d := last.End.Sub(last.Start); d < 20*time.Millisecond || d > time.Second {
		t.Fatalf("timed out probe took %v", d)
	}
	script.mu.Lock()
	first := script.args[0]
	script.mu.Unlock()
	if got := strings.Join(first, "|"); got != "/bin/sh|-c|sleep 60" {
		t.Fatalf("CMD-SHELL ran %q", got)
	}
	if err := h.sup.Stop(ctx, c.ID, stopOpts()); err != nil {
		t.Fatal(err)
	}
	// Every probe that ran was killed: none outlives its timeout.
	task := h.rt.task(c.ID)
	h.eventually("every probe killed", func() bool { p, k := task.probeCounts(); return p > 0 && p == k })
}

func TestHealthStartPeriod(t *testing.T) {
	h := newHarness(t)
	hc := &apicontainer.HealthConfig{Test: []string{"CMD", "check"}, Interval: time.Hour, StartInterval: 5 * time.Millisecond,
		StartPeriod: 10 * time.Second, Retries: 1}
	c, script := h.addChecked("boot", apicontainer.HostConfig{}, hc, probeStep{code: 1})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	// Failures in the start period are logged, probed at the start
	// interval, and not counted.
	h.eventually("three probes", func() bool { return script.runs() >= 3 })
	if hl := h.health(c.ID); hl.Status != apicontainer.Starting || hl.FailingStreak != 0 || len(hl.Log) == 0 {
		t.Fatalf("in the start period: %+v", hl)
	}
	// A success ends the start period: healthy, and probed at the
	// regular interval (an hour) from then on.
	script.set(probeStep{})
	h.eventually("healthy", func() bool { return h.health(c.ID).Status == apicontainer.Healthy })
	n := script.runs()
	time.Sleep(50 * time.Millisecond)
	if script.runs() != n {
		t.Fatalf("%d probes at the start interval after the container was healthy", script.runs()-n)
	}
	h.sup.Stop(ctx, c.ID, stopOpts())

	// Past the start period failures count.
	hc2 := &apicontainer.HealthConfig{Test: []string{"CMD", "check"}, Interval: 5 * time.Millisecond, StartInterval: 5 * time.Millisecond,
		StartPeriod: 300 * time.Millisecond, Retries: 1}
	c2, script2 := h.addChecked("late", apicontainer.HostConfig{}, hc2, probeStep{code: 1})
	if err := h.sup.Start(ctx, c2.ID); err != nil {
		t.Fatal(err)
	}
	h.eventually("unhealthy after the start period", func() bool { return h.health(c2.ID).Status == apicontainer.Unhealthy })
	if since := time.Since(h.get(c2.ID).State.StartedAt); since < 300*time.Millisecond || script2.runs() < 3 {
		t.Fatalf("unhealthy %v after start, after %d probes: the start period is 300ms", since, script2.runs())
	}
	h.sup.Stop(ctx, c2.ID, stopOpts())
}

func TestHealthLogKeepsFiveAndCutsOutput(t *testing.T) {
	h := newHarness(t)
	c, script := h.addChecked("log", apicontainer.HostConfig{}, fast(3), probeStep{out: strings.Repeat("x", 5000)})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	h.eventually("seven probes", func() bool { return script.runs() >= 7 && len(h.health(c.ID).Log) == 5 })
	task := h.rt.task(c.ID)
	h.sup.Stop(ctx, c.ID, stopOpts())
	// The task forgets every probe once it ended.
	h.eventually("probes forgotten", func() bool {
		task.mu.Lock()
		defer task.mu.Unlock()
		return len(task.execs) == 0
	})
	hl := h.health(c.ID)
	if len(hl.Log) != 5 {
		t.Fatalf("log holds %d results", len(hl.Log))
	}
	if out := hl.Log[4].Output; len(out) != 4096+3 || !strings.HasSuffix(out, "x...") {
		t.Fatalf("output of %d bytes kept as %d bytes", 5000, len(out))
	}
	for i := 1; i < 5; i++ {
		if hl.Log[i].Start.Before(hl.Log[i-1].Start) {
			t.Fatal("log is not oldest first")
		}
	}
}

func TestHealthEndsWithTheRun(t *testing.T) {
	h := newHarness(t)
	c, script := h.addChecked("run", apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}}, fast(1), probeStep{})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	h.eventually("healthy", func() bool { return h.health(c.ID).Status == apicontainer.Healthy })
	first := h.rt.task(c.ID)

	// The restart policy starts a new run with a new runner: starting
	// again, probing the new task only.
	script.set(probeStep{code: 1})
	first.exitWith(1, false)
	h.eventually("restarted", func() bool { return h.rt.creates() == 2 && h.status(c.ID) == container.Running })
	before, _ := first.probeCounts()
	second := h.rt.task(c.ID)
	h.eventually("unhealthy in the new run", func() bool { return h.health(c.ID).Status == apicontainer.Unhealthy })
	if after, _ := first.probeCounts(); after != before {
		t.Fatalf("the ended run's task was probed %d more times", after-before)
	}
	if n, _ := second.probeCounts(); n == 0 {
		t.Fatal("the new run is not probed")
	}
	if hl := h.health(c.ID); len(hl.Log) < 2 || hl.Log[0].ExitCode != 0 {
		t.Fatalf("the log of the earlier run was not kept: %+v", hl)
	}

	// Stop ends probing for good; the container reads unhealthy, as in
	// Docker.
	if err := h.sup.Stop(ctx, c.ID, stopOpts()); err != nil {
		t.Fatal(err)
	}
	n := script.runs()
	time.Sleep(50 * time.Millisecond)
	if script.runs() != n {
		t.Fatalf("%d probes after stop", script.runs()-n)
	}
	if st := h.health(c.ID).Status; st != apicontainer.Unhealthy {
		t.Fatalf("health after stop %q", st)
	}
	h.sup.health.mu.Lock()
	left := len(h.sup.health.m)
	h.sup.health.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d health runners left after stop", left)
	}
}

func TestHealthSuspendedWhilePaused(t *testing.T) {
	h := newHarness(t)
	c, script := h.addChecked("pz", apicontainer.HostConfig{}, fast(3), probeStep{})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	h.eventually("healthy", func() bool { return h.health(c.ID).Status == apicontainer.Healthy })
	if err := h.sup.Pause(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // a probe in flight at the pause ends
	n := script.runs()
	time.Sleep(50 * time.Millisecond)
	if script.runs() != n {
		t.Fatalf("%d probes while paused", script.runs()-n)
	}
	if st := h.health(c.ID).Status; st != apicontainer.Unhealthy {
		t.Fatalf("health while paused %q, Docker says unhealthy", st)
	}
	if err := h.sup.Resume(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	h.eventually("healthy after unpause", func() bool { return script.runs() > n && h.health(c.ID).Status == apicontainer.Healthy })
	h.sup.Stop(ctx, c.ID, stopOpts())
}

func TestHealthResumesAfterDaemonRestart(t *testing.T) {
	h := newHarness(t)
	c, script := h.addChecked("live", apicontainer.HostConfig{}, fast(1), probeStep{code: 1})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	h.eventually("unhealthy", func() bool { return h.health(c.ID).Status == apicontainer.Unhealthy })
	h.sup.Close()
	n := script.runs()
	time.Sleep(30 * time.Millisecond)
	if d := script.runs() - n; d > 1 { // at most the probe in flight
		t.Fatalf("%d probes after the daemon stopped", d)
	}
	script.set(probeStep{})
	h.rt.connectable[c.ID] = h.rt.task(c.ID)
	h.sup = h.newSupervisor()
	t.Cleanup(h.sup.Close)
	h.sup.Restore(ctx)
	if hl := h.health(c.ID); hl.Status != apicontainer.Starting && hl.Status != apicontainer.Healthy {
		t.Fatalf("health after restore %+v, want starting afresh", hl)
	}
	h.eventually("healthy after restore", func() bool { return h.health(c.ID).Status == apicontainer.Healthy })
	h.rt.task(c.ID).Kill(ctx, syscall.SIGKILL, false)
	h.eventually("exited", func() bool { return h.status(c.ID) == container.Exited })
}

func TestNoHealthcheckRunsNothing(t *testing.T) {
	h := newHarness(t)
	c, script := h.addChecked("none", apicontainer.HostConfig{}, &apicontainer.HealthConfig{Test: []string{"NONE"}, Interval: time.Millisecond}, probeStep{})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	if script.runs() != 0 || h.get(c.ID).State.Health != nil || h.get(c.ID).State.HealthStatus() != apicontainer.NoHealthcheck {
		t.Fatalf("NONE probed %d times, health %+v", script.runs(), h.get(c.ID).State.Health)
	}
}
