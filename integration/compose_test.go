package integration

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// waitTERM is a container command that ends at once on SIGTERM (a shell as
// PID 1 ignores it otherwise, and every stop would wait out its timeout).
const waitTERM = "trap 'exit 0' TERM; while :; do sleep 1; done"

// composeFiles is a small realistic project: a service built from a
// Dockerfile on two networks, one with a named volume, one that is scaled,
// one behind a profile, and a .env that fills a variable.
var composeFiles = map[string]string{
	"compose.yaml": `name: berthproj
services:
  web:
    build: ./web
    environment:
      GREETING: ${GREETING}
    networks: [front, back]
  db:
    image: busybox
    command: ["sh", "-c", "echo db ready; ` + waitTERM + `"]
    volumes:
      - data:/data
    networks: [back]
  worker:
    image: busybox
    command: ["sh", "-c", "echo worker $$HOSTNAME; ` + waitTERM + `"]
  debug:
    image: busybox
    profiles: [debug]
    command: ["sh", "-c", "` + waitTERM + `"]
networks:
  front: {}
  back: {}
volumes:
  data: {}
`,
	"small.yaml": `name: berthproj
services:
  worker:
    image: busybox
    command: ["sh", "-c", "echo worker $$HOSTNAME; ` + waitTERM + `"]
`,
	"web/Dockerfile": "FROM busybox\nRUN echo built > /built.txt\nCMD [\"sh\", \"-c\", \"echo web up $GREETING; " + waitTERM + "\"]\n",
	".env":           "GREETING=hello-from-env\n",
}

// TestComposeProject drives berth compose through a project's life:
// config, up -d with a build, ps, ls, logs, exec, run --rm, scale, a
// profile, logs -f, and down -v, checking what it made through the API.
func TestComposeProject(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	p := newComposeProject(t, d, composeFiles)

	if out := p.ok("config"); !strings.Contains(out, "GREETING: hello-from-env") || strings.Contains(out, "debug:") {
		t.Errorf("config: .env not applied or profile service shown:\n%s", out)
	}
	services := strings.Fields(p.ok("config", "--services"))
	slices.Sort(services)
	if !slices.Equal(services, []string{"db", "web", "worker"}) {
		t.Errorf("config --services: %v", services)
	}

	p.ok("up", "-d", "--build")
	byService := map[string][]string{}
	for _, c := range projectContainers(t, d, "berthproj") {
		svc := c.Labels["com.docker.compose.service"]
		byService[svc] = append(byService[svc], c.Names[0])
		if c.State != "running" || c.Labels["com.docker.compose.oneoff"] != "False" || c.Labels["com.docker.compose.container-number"] != "1" {
			t.Errorf("%s: state %s, labels %v", c.Names[0], c.State, c.Labels)
		}
	}
	if len(byService) != 3 || byService["web"][0] != "/berthproj-web-1" || byService["db"][0] != "/berthproj-db-1" {
		t.Fatalf("containers after up -d: %v", byService)
	}
	web, err := d.Client().ContainerInspect(t.Context(), "berthproj-web-1", client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var nets []string
	for n := range web.Container.NetworkSettings.Networks {
		nets = append(nets, n)
	}
	slices.Sort(nets)
	if !slices.Equal(nets, []string{"berthproj_back", "berthproj_front"}) {
		t.Errorf("web's networks: %v", nets)
	}
	if web.Container.Config.Image != "berthproj-web" {
		t.Errorf("web's image: %s", web.Container.Config.Image)
	}
	vol, err := d.Client().VolumeInspect(t.Context(), "berthproj_data", client.VolumeInspectOptions{})
	if err != nil || vol.Volume.Labels["com.docker.compose.project"] != "berthproj" || vol.Volume.Labels["com.docker.compose.volume"] != "data" {
		t.Errorf("volume: %+v %v", vol.Volume, err)
	}

	var ps []struct{ Name, Service, State string }
	for _, line := range strings.Split(strings.TrimSpace(p.ok("ps", "--format", "json")), "\n") {
		var row struct{ Name, Service, State string }
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("ps json %q: %v", line, err)
		}
		ps = append(ps, row)
	}
	if len(ps) != 3 {
		t.Errorf("ps: %+v", ps)
	}
	if out := p.ok("ls"); !strings.Contains(out, "berthproj") || !strings.Contains(out, "running(3)") {
		t.Errorf("ls:\n%s", out)
	}
	if out := p.ok("logs", "web"); !strings.Contains(out, "web-1  | web up hello-from-env") {
		t.Errorf("logs web:\n%s", out)
	}
	if out := p.ok("exec", "-T", "web", "cat", "/built.txt"); out != "built\n" {
		t.Errorf("exec: %q", out)
	}
	if _, _, code := p.run("exec", "-T", "db", "sh", "-c", "exit 3"); code != 3 {
		t.Errorf("exec exit status %d, want 3", code)
	}
	p.ok("exec", "-T", "db", "sh", "-c", "echo kept > /data/file")

	if out := p.ok("run", "--rm", "-T", "worker", "echo", "one-off"); !strings.Contains(out, "one-off") {
		t.Errorf("run --rm: %q", out)
	}
	if left := projectContainers(t, d, "berthproj", "com.docker.compose.oneoff=True"); len(left) != 0 {
		t.Errorf("run --rm left %d containers", len(left))
	}

	p.ok("scale", "worker=3")
	if n := len(projectContainers(t, d, "berthproj", "com.docker.compose.service=worker")); n != 3 {
		t.Errorf("scale worker=3: %d workers", n)
	}
	p.ok("up", "-d", "--scale", "worker=2")
	if n := len(projectContainers(t, d, "berthproj", "com.docker.compose.service=worker")); n != 2 {
		t.Errorf("up --scale worker=2: %d workers", n)
	}

	p.ok("--profile", "debug", "up", "-d", "--wait")
	if n := len(projectContainers(t, d, "berthproj", "com.docker.compose.service=debug")); n != 1 {
		t.Errorf("profile debug: %d debug containers", n)
	}
	ids := func() map[string]string {
		out := map[string]string{}
		for _, c := range projectContainers(t, d, "berthproj") {
			out[c.Names[0]] = c.ID
		}
		return out
	}
	before := ids()
	p.ok("up", "-d", "--force-recreate", "--no-deps", "web")
	after := ids()
	if after["/berthproj-web-1"] == before["/berthproj-web-1"] || after["/berthproj-db-1"] != before["/berthproj-db-1"] {
		t.Errorf("--force-recreate --no-deps web: before %v, after %v", before, after)
	}
	// A file without web makes web an orphan, which --remove-orphans removes.
	p.ok("-f", "small.yaml", "up", "-d", "--remove-orphans")
	if n := len(projectContainers(t, d, "berthproj", "com.docker.compose.service=web")); n != 0 {
		t.Errorf("--remove-orphans left %d web containers", n)
	}
	p.ok("up", "-d")

	// logs -f follows new output, past the die events earlier containers
	// left in the daemon's buffer.
	follow := p.start("logs", "-f", "db", "worker")
	follow.waitOutput(t, 30*time.Second, "| db ready", "| worker ")
	p.ok("exec", "-T", "db", "sh", "-c", "echo followed > /proc/1/fd/1")
	follow.waitOutput(t, 30*time.Second, "| followed")
	select {
	case <-follow.done:
		t.Errorf("logs -f ended by itself (%v):\n%s", follow.err, follow.output())
	default:
	}
	_ = follow.interrupt(t, 10*time.Second)

	p.ok("--profile", "debug", "down", "-v", "-t", "1")
	if left := projectContainers(t, d, "berthproj"); len(left) != 0 {
		t.Errorf("down left %d containers", len(left))
	}
	nres, err := d.Client().NetworkList(t.Context(), client.NetworkListOptions{Filters: client.Filters{}.Add("label", "com.docker.compose.project=berthproj")})
	if err != nil || len(nres.Items) != 0 {
		t.Errorf("networks after down: %v %v", nres.Items, err)
	}
	if _, err := d.Client().VolumeInspect(t.Context(), "berthproj_data", client.VolumeInspectOptions{}); err == nil {
		t.Error("down -v left the volume")
	}
	if out := p.ok("ls", "-a", "-q"); strings.TrimSpace(out) != "" {
		t.Errorf("ls -a after down: %q", out)
	}
}

// TestComposeAttachedUp runs `berth compose up` in the foreground as a user
// does, then stops it with Ctrl+C (SIGINT): the services' output is shown
// as they start, and the interrupt stops them.
func TestComposeAttachedUp(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	p := newComposeProject(t, d, composeFiles)
	t.Cleanup(func() { p.run("down", "-v", "-t", "1") })

	// An earlier run leaves die events in the daemon's buffer; attached up
	// must not take them for its own containers' exits.
	p.ok("up", "-d")
	p.ok("down", "-t", "1")

	up := p.start("up")
	// The prefix is padded to the longest name attached so far: match after it.
	up.waitOutput(t, 2*time.Minute, "| web up hello-from-env", "| db ready", "| worker ")
	time.Sleep(time.Second)
	for _, c := range projectContainers(t, d, "berthproj") {
		if c.State != "running" {
			t.Errorf("%s is %s during attached up", c.Names[0], c.State)
		}
	}
	if out := up.output(); strings.Contains(out, "exited with code") {
		t.Errorf("attached up reported an exit before any:\n%s", out)
	}
	_ = up.interrupt(t, time.Minute) // compose ends with 130 after a graceful stop, as docker compose
	if out := up.output(); !strings.Contains(out, "Gracefully Stopping") {
		t.Errorf("no graceful stop:\n%s", out)
	}
	for _, c := range projectContainers(t, d, "berthproj") {
		if c.State != "exited" {
			t.Errorf("%s is %s after Ctrl+C", c.Names[0], c.State)
		}
	}
}
