package integration

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// healthFiles is a project whose services wait for a health-checked one:
// db turns healthy only once it has written its volume (two seconds after
// it starts), and web and worker, which read that volume, must see it there
// when they start. broken.yaml adds a service whose check always fails.
var healthFiles = map[string]string{
	"compose.yaml": `name: healthproj
services:
  db:
    image: busybox
    command: ["sh", "-c", "rm -f /data/ready; sleep 2; echo db-wrote > /data/ready; echo db ready; ` + waitTERM + `"]
    volumes:
      - data:/data
    healthcheck:
      test: ["CMD-SHELL", "test -f /data/ready"]
      interval: 500ms
      timeout: 2s
      retries: 30
  web:
    image: busybox
    command: ["sh", "-c", "echo web saw $$(cat /data/ready 2>/dev/null || echo nothing); ` + waitTERM + `"]
    volumes:
      - data:/data:ro
    depends_on:
      db:
        condition: service_healthy
  worker:
    image: busybox
    command: ["sh", "-c", "echo worker saw $$(cat /data/ready 2>/dev/null || echo nothing); ` + waitTERM + `"]
    deploy:
      replicas: 2
    volumes:
      - data:/data:ro
    depends_on:
      db:
        condition: service_healthy
volumes:
  data: {}
`,
	"broken.yaml": `name: healthproj
services:
  broken:
    image: busybox
    command: ["sh", "-c", "` + waitTERM + `"]
    healthcheck:
      test: ["CMD", "false"]
      interval: 300ms
      retries: 2
`,
}

// composePS is a line of `compose ps --format json`.
type composePS struct{ Name, Service, State, Health, Status string }

func composePSRows(t *testing.T, p *composeProject, args ...string) map[string]composePS {
	t.Helper()
	rows := map[string]composePS{}
	for _, line := range strings.Split(strings.TrimSpace(p.ok(append([]string{"ps", "--format", "json"}, args...)...)), "\n") {
		var row composePS
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("ps json %q: %v", line, err)
		}
		rows[row.Name] = row
	}
	return rows
}

// TestComposeHealthWait: `up --wait` returns once every service is running
// and the health-checked one is healthy, the dependents having started only
// after it; ps shows the health; and --wait fails, in Compose's words, when
// a service turns unhealthy.
func TestComposeHealthWait(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	p := newComposeProject(t, d, healthFiles)
	t.Cleanup(func() { p.run("-f", "compose.yaml", "-f", "broken.yaml", "down", "-v", "-t", "1") })

	began := time.Now()
	p.ok("up", "-d", "--wait")
	if took := time.Since(began); took < 2*time.Second {
		t.Errorf("up --wait returned after %v, before db could be healthy", took)
	}
	db, err := d.Client().ContainerInspect(t.Context(), "healthproj-db-1", client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if h := db.Container.State.Health; h == nil || h.Status != apicontainer.Healthy || len(h.Log) == 0 {
		t.Fatalf("db after up --wait: %+v", h)
	}
	for _, name := range []string{"healthproj-web-1", "healthproj-worker-1", "healthproj-worker-2"} {
		logs := docker(t, d, "logs", name)
		if !strings.Contains(logs, " saw db-wrote") {
			t.Errorf("%s started before db was healthy: %q", name, logs)
		}
	}

	rows := composePSRows(t, p)
	if len(rows) != 4 {
		t.Fatalf("ps: %+v", rows)
	}
	if r := rows["healthproj-db-1"]; r.Health != "healthy" || !strings.HasSuffix(r.Status, "(healthy)") {
		t.Errorf("ps db: %+v", r)
	}
	if r := rows["healthproj-web-1"]; r.Health != "" || r.State != "running" || strings.Contains(r.Status, "health") {
		t.Errorf("ps web (no health check): %+v", r)
	}
	if table := p.ok("ps", "db"); !strings.Contains(table, "(healthy)") {
		t.Errorf("ps table:\n%s", table)
	}

	// A service that never passes its check makes --wait fail.
	_, stderr, code := p.run("-f", "compose.yaml", "-f", "broken.yaml", "up", "-d", "--wait", "broken")
	if code != 1 || !strings.Contains(stderr, "container healthproj-broken-1 is unhealthy") {
		t.Errorf("up --wait with an unhealthy service: exit %d\n%s", code, stderr)
	}
	if r := composePSRows(t, p, "-a")["healthproj-broken-1"]; r.Health != "unhealthy" || !strings.HasSuffix(r.Status, "(unhealthy)") {
		t.Errorf("ps broken: %+v", r)
	}

	p.ok("-f", "compose.yaml", "-f", "broken.yaml", "down", "-v", "-t", "1")
	if left := projectContainers(t, d, "healthproj"); len(left) != 0 {
		t.Errorf("down left %d containers", len(left))
	}
	if _, err := d.Client().VolumeInspect(t.Context(), "healthproj_data", client.VolumeInspectOptions{}); err == nil {
		t.Error("down -v left the volume")
	}
}

// TestComposeHealthAttachedUp: attached `up` starts the dependents once db
// is healthy and shows their output, then Ctrl+C stops them all.
func TestComposeHealthAttachedUp(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	p := newComposeProject(t, d, healthFiles)
	t.Cleanup(func() { p.run("down", "-v", "-t", "1") })

	up := p.start("up")
	up.waitOutput(t, 2*time.Minute, "| db ready", "| web saw db-wrote", "| worker saw db-wrote")
	if out := up.output(); strings.Contains(out, "saw nothing") || strings.Contains(out, "exited with code") {
		t.Errorf("attached up:\n%s", out)
	}
	if h := healthOf(t, d, "healthproj-db-1"); h.Status != apicontainer.Healthy {
		t.Errorf("db during attached up: %+v", h)
	}
	_ = up.interrupt(t, time.Minute)
	if out := up.output(); !strings.Contains(out, "Gracefully Stopping") {
		t.Errorf("no graceful stop:\n%s", out)
	}
	for _, c := range projectContainers(t, d, "healthproj") {
		if c.State != "exited" {
			t.Errorf("%s is %s after Ctrl+C", c.Names[0], c.State)
		}
	}
}
