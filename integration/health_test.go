package integration

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	apicontainer "github.com/moby/moby/api/types/container"
)

// healthOf reads a container's State.Health through the docker CLI; nil
// when the container has none.
func healthOf(t *testing.T, d *testutil.Daemon, name string) *apicontainer.Health {
	t.Helper()
	out := docker(t, d, "inspect", "-f", "{{json .State.Health}}", name)
	var h *apicontainer.Health
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatalf("State.Health of %s: %v in %q", name, err, out)
	}
	return h
}

// waitHealth polls until cond holds for name's health, for up to 30s.
func waitHealth(t *testing.T, d *testutil.Daemon, name, what string, cond func(*apicontainer.Health) bool) *apicontainer.Health {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h := healthOf(t, d, name)
		if h != nil && cond(h) {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: timed out waiting for %s; health %+v", name, what, h)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func statusIs(s apicontainer.HealthStatus) func(*apicontainer.Health) bool {
	return func(h *apicontainer.Health) bool { return h.Status == s }
}

// TestHealthCheckCLI runs health checks set with the docker CLI's flags:
// a passing one turns healthy, a failing one unhealthy, a slow one is
// killed at its timeout; ps, its health filter, events and inspect show
// them as Docker does.
func TestHealthCheckCLI(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	since := time.Now()

	docker(t, d, "run", "-d", "--name", "good", "--health-cmd", "test -f /tmp/ready || exit 1",
		"--health-interval", "200ms", "--health-retries", "2", "busybox", "sh", "-c", "touch /tmp/ready; exec sleep 300")
	docker(t, d, "run", "-d", "--name", "sick", "--health-cmd", "echo sick; exit 1",
		"--health-interval", "200ms", "--health-retries", "2", "busybox", "sleep", "300")
	docker(t, d, "run", "-d", "--name", "waiting", "--health-cmd", "true", "--health-interval", "1h", "busybox", "sleep", "300")
	docker(t, d, "run", "-d", "--name", "plain", "busybox", "sleep", "300")

	waitHealth(t, d, "good", "healthy", statusIs(apicontainer.Healthy))
	h := waitHealth(t, d, "sick", "unhealthy", statusIs(apicontainer.Unhealthy))
	if h.FailingStreak < 2 || len(h.Log) == 0 {
		t.Fatalf("sick: %+v", h)
	}
	last := h.Log[len(h.Log)-1]
	if last.ExitCode != 1 || last.Output != "sick\n" || last.End.Before(last.Start) || last.Start.Before(since.Add(-time.Second)) {
		t.Fatalf("sick's last result: %+v", last)
	}
	if got := docker(t, d, "inspect", "-f", "{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Retries}}", "sick"); got != "[CMD-SHELL echo sick; exit 1] 200ms 2\n" {
		t.Fatalf("sick's Config.Healthcheck: %q", got)
	}

	rows := map[string]string{}
	for _, line := range nonEmptyLines(docker(t, d, "ps", "--format", "{{.Names}}|{{.Status}}")) {
		name, status, _ := strings.Cut(line, "|")
		rows[name] = status
	}
	for name, suffix := range map[string]string{"good": " (healthy)", "sick": " (unhealthy)", "waiting": " (health: starting)"} {
		if s := rows[name]; !strings.HasPrefix(s, "Up ") || !strings.HasSuffix(s, suffix) {
			t.Errorf("ps status of %s = %q, want Up …%s", name, s, suffix)
		}
	}
	if s := rows["plain"]; !strings.HasPrefix(s, "Up ") || strings.Contains(s, "(") {
		t.Errorf("ps status of a container without a check: %q", s)
	}
	for filter, want := range map[string]string{"healthy": "good", "unhealthy": "sick", "starting": "waiting", "none": "plain"} {
		if got := docker(t, d, "ps", "--filter", "health="+filter, "--format", "{{.Names}}"); got != want+"\n" {
			t.Errorf("ps --filter health=%s: %q, want %s", filter, got, want)
		}
	}
	if msg := dockerFails(t, d, "ps", "--filter", "health=great"); !strings.Contains(msg, "invalid filter 'health=great'") {
		t.Errorf("bad health filter: %s", msg)
	}

	until := time.Now()
	out := docker(t, d, "events", "--since", timestamp(since), "--until", timestamp(until), "--filter", "event=health_status")
	for _, want := range []string{"container health_status: healthy", "container health_status: unhealthy"} {
		if !strings.Contains(out, want) {
			t.Errorf("events lack %q:\n%s", want, out)
		}
	}

	// A probe past its timeout is killed and fails with Docker's words.
	docker(t, d, "run", "-d", "--name", "slow", "--health-cmd", "sleep 77", "--health-timeout", "300ms",
		"--health-interval", "500ms", "--health-retries", "1", "busybox", "sleep", "300")
	h = waitHealth(t, d, "slow", "three timed out probes", func(h *apicontainer.Health) bool { return len(h.Log) >= 3 })
	if h.Status != apicontainer.Unhealthy || h.Log[0].ExitCode != -1 || h.Log[0].Output != "Health check exceeded timeout (300ms)" {
		t.Fatalf("slow: %+v %+v", h, h.Log[0])
	}
	if n := strings.Count(docker(t, d, "top", "slow"), "sleep 77"); n > 1 {
		t.Fatalf("%d timed out probes still run", n)
	}

	// berth's own CLI sends the same flags.
	if _, stderr, code := testutil.Berth(t, d, "run", "-d", "--name", "byberth", "--health-cmd", "test -d /proc",
		"--health-interval", "200ms", "--health-start-period", "1m", "--health-start-interval", "100ms", "busybox", "sleep", "300"); code != 0 {
		t.Fatalf("berth run: %s", stderr)
	}
	waitHealth(t, d, "byberth", "healthy", statusIs(apicontainer.Healthy))
	if got := docker(t, d, "inspect", "-f", "{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.StartPeriod}} {{.Config.Healthcheck.StartInterval}}", "byberth"); got != "[CMD-SHELL test -d /proc] 1m0s 100ms\n" {
		t.Fatalf("berth run's Healthcheck: %q", got)
	}
	if out, _, _ := testutil.Berth(t, d, "ps", "--filter", "name=byberth", "--format", "{{.Status}}"); !strings.HasSuffix(strings.TrimSpace(out), "(healthy)") {
		t.Fatalf("berth ps: %q", out)
	}

	// Stop ends the checks; Docker then reports the container unhealthy.
	docker(t, d, "stop", "-t", "1", "good")
	n := len(healthOf(t, d, "good").Log)
	time.Sleep(time.Second)
	if h := healthOf(t, d, "good"); h.Status != apicontainer.Unhealthy || len(h.Log) != n {
		t.Fatalf("after stop: %+v (log %d → %d)", h, n, len(h.Log))
	}
	if got := docker(t, d, "inspect", "-f", "{{json .State.Health}}", "plain"); got != "null\n" {
		t.Fatalf("health of a container without a check: %q", got)
	}
}

// TestHealthCheckInvalid gets Docker's 400s for durations below 1ms.
func TestHealthCheckInvalid(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	for flag, want := range map[string]string{
		"--health-interval=500us":       "Interval in Healthcheck cannot be less than 1ms",
		"--health-timeout=10ns":         "Timeout in Healthcheck cannot be less than 1ms",
		"--health-start-period=1us":     "StartPeriod in Healthcheck cannot be less than 1ms",
		"--health-start-interval=999us": "StartInterval in Healthcheck cannot be less than 1ms",
	} {
		if msg := dockerFails(t, d, "create", flag, "busybox", "true"); !strings.Contains(msg, "Error response from daemon: "+want) {
			t.Errorf("%s: %s", flag, msg)
		}
	}
	body := `{"Image":"busybox","Cmd":["true"],"Healthcheck":{"Test":["CMD","true"],"Retries":-1}}`
	postJSON(t, d, "/containers/create", body, 400, "Retries in Healthcheck cannot be negative")
	if ps := docker(t, d, "ps", "-aq"); ps != "" {
		t.Fatalf("refused creates left containers: %q", ps)
	}
}

// TestHealthCheckFromImage builds an image with HEALTHCHECK (classic
// builder): its containers are checked, run's flags override it field by
// field, and --no-healthcheck turns it off.
func TestHealthCheckFromImage(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\n" +
		"HEALTHCHECK --interval=200ms --timeout=2s --retries=2 CMD test -e /tmp/ok || exit 1\n" +
		"RUN echo built > /built\n" +
		"CMD [\"sh\", \"-c\", \"touch /tmp/ok; exec sleep 300\"]\n"})
	if _, stderr, code := classicBuild(t, d, "-t", "checked:1", dir); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	if got := docker(t, d, "image", "inspect", "-f", "{{.Config.Healthcheck.Test}}", "checked:1"); got != "[CMD-SHELL test -e /tmp/ok || exit 1]\n" {
		t.Fatalf("image Healthcheck: %q", got)
	}
	docker(t, d, "run", "-d", "--name", "img", "checked:1")
	waitHealth(t, d, "img", "healthy", statusIs(apicontainer.Healthy))

	docker(t, d, "run", "-d", "--name", "override", "--health-retries", "5", "checked:1")
	if got := docker(t, d, "inspect", "-f", "{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Retries}}", "override"); got != "[CMD-SHELL test -e /tmp/ok || exit 1] 200ms 5\n" {
		t.Fatalf("merged Healthcheck: %q", got)
	}
	waitHealth(t, d, "override", "healthy", statusIs(apicontainer.Healthy))

	docker(t, d, "run", "-d", "--name", "off", "--no-healthcheck", "checked:1")
	time.Sleep(time.Second)
	if h := healthOf(t, d, "off"); h != nil {
		t.Fatalf("--no-healthcheck container checked: %+v", h)
	}
	if got := docker(t, d, "ps", "--filter", "health=none", "--format", "{{.Names}}"); got != "off\n" {
		t.Fatalf("health=none: %q", got)
	}
}

// TestHealthCheckLiveRestore: a daemon that restarts while a checked
// container runs checks it again, starting afresh.
func TestHealthCheckLiveRestore(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	docker(t, d, "run", "-d", "--name", "live", "--health-cmd", "true", "--health-interval", "200ms", "busybox", "sleep", "300")
	waitHealth(t, d, "live", "healthy", statusIs(apicontainer.Healthy))
	d.Kill()
	d.Restart(t)
	before := healthOf(t, d, "live")
	n := len(before.Log)
	if n == 0 || n > 5 {
		t.Fatalf("log after restart: %+v", before)
	}
	last := before.Log[n-1].Start
	waitHealth(t, d, "live", "a new probe", func(h *apicontainer.Health) bool {
		return h.Status == apicontainer.Healthy && h.Log[len(h.Log)-1].Start.After(last)
	})
}

// TestHealthCheckComposeDependsOn: docker-compose 1.29 starts a service
// that depends on another being healthy once its health check passes.
func TestHealthCheckComposeDependsOn(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(`version: "2.4"
services:
  db:
    image: busybox
    command: sh -c "sleep 2; touch /tmp/up; exec sleep 300"
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/up"]
      interval: 300ms
      retries: 20
  app:
    image: busybox
    command: sh -c "echo app-started; exec sleep 300"
    depends_on:
      db:
        condition: service_healthy
`), 0o644)
	t.Cleanup(func() { runClient(t, d, dir, "docker-compose", "down", "-t", "1") })
	// Bounded: docker-compose waits for as long as db stays starting.
	upCtx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(upCtx, "docker-compose", "up", "-d")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+d.Host(), "COMPOSE_PROJECT_NAME=it", "DOCKER_CONFIG="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker-compose up -d: %v\n%s", err, out)
	}
	db := strings.TrimSpace(docker(t, d, "ps", "-q", "--filter", "label=com.docker.compose.service=db"))
	app := strings.TrimSpace(docker(t, d, "ps", "-q", "--filter", "label=com.docker.compose.service=app"))
	if db == "" || app == "" {
		t.Fatalf("compose up: db %q app %q\n%s", db, app, docker(t, d, "ps", "-a"))
	}
	if h := healthOf(t, d, db); h.Status != apicontainer.Healthy {
		t.Fatalf("db's health once app started: %+v", h)
	}
	// app was started only once db turned healthy, which takes it 2s.
	started := func(id string) time.Time {
		at, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.State.StartedAt}}", id)))
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	if gap := started(app).Sub(started(db)); gap < 2*time.Second {
		t.Fatalf("app started %v after db, before db could be healthy", gap)
	}
	if logs := docker(t, d, "logs", app); logs != "app-started\n" {
		t.Fatalf("app's logs: %q", logs)
	}
}
