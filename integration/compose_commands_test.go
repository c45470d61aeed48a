package integration

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// TestComposeCommands runs the rest of compose's commands against berthd:
// build, push and pull through a registry on loopback, create, start,
// stop, restart, kill, pause, unpause, top, images, port, cp, events,
// wait, rm, version and down --rmi.
func TestComposeCommands(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	reg := startRegistry(t, registryOptions{})
	p := newComposeProject(t, d, map[string]string{
		"compose.yaml": `name: berthcmds
services:
  app:
    build: ./app
    image: ${REGISTRY}/berthcmds/app:1
    ports: ["127.0.0.1::8080"]
`,
		"app/Dockerfile": "FROM busybox\nRUN echo baked > /baked\nCMD [\"sh\", \"-c\", \"" + waitTERM + "\"]\n",
		".env":           "REGISTRY=" + reg.Host + "\n",
	})
	t.Cleanup(func() { p.run("down", "-v", "-t", "1", "--rmi", "all") })
	image := reg.Host + "/berthcmds/app:1"
	state := func() string {
		t.Helper()
		cs := projectContainers(t, d, "berthcmds")
		if len(cs) != 1 {
			t.Fatalf("%d containers", len(cs))
		}
		return string(cs[0].State)
	}

	if out := p.ok("version"); !strings.HasPrefix(out, "Docker Compose version ") {
		t.Errorf("version: %q", out)
	}
	// berthd has the classic builder only: compose builds through /build
	// without looking for buildx.
	if _, stderr, code := p.run("build"); code != 0 || strings.Contains(stderr, "buildx") {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	inspect(t, d, image)
	p.ok("push")
	resp, err := http.Get("http://" + reg.Host + "/v2/berthcmds/app/tags/list")
	if err != nil {
		t.Fatal(err)
	}
	var tags struct{ Tags []string }
	_ = json.NewDecoder(resp.Body).Decode(&tags)
	resp.Body.Close()
	if len(tags.Tags) != 1 || tags.Tags[0] != "1" {
		t.Errorf("registry tags after push: %v", tags.Tags)
	}
	if _, err := d.Client().ImageRemove(t.Context(), image, client.ImageRemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	p.ok("pull")
	inspect(t, d, image)

	p.ok("create")
	if s := state(); s != "created" {
		t.Errorf("after create: %s", s)
	}
	p.ok("start")
	if s := state(); s != "running" {
		t.Errorf("after start: %s", s)
	}
	if out := p.ok("top"); !strings.Contains(out, "sleep") && !strings.Contains(out, "sh -c") {
		t.Errorf("top:\n%s", out)
	}
	if out := p.ok("images"); !strings.Contains(out, reg.Host+"/berthcmds/app") {
		t.Errorf("images:\n%s", out)
	}
	port := strings.TrimSpace(p.ok("port", "app", "8080"))
	if !regexp.MustCompile(`^127\.0\.0\.1:[0-9]+$`).MatchString(port) {
		t.Errorf("port: %q", port)
	}

	p.ok("pause")
	if s := state(); s != "paused" {
		t.Errorf("after pause: %s", s)
	}
	p.ok("unpause")
	if s := state(); s != "running" {
		t.Errorf("after unpause: %s", s)
	}

	src := filepath.Join(t.TempDir(), "in")
	if err := os.WriteFile(src, []byte("copied in\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.ok("cp", src, "app:/tmp/in")
	back := filepath.Join(t.TempDir(), "baked")
	p.ok("cp", "app:/baked", back)
	if b, err := os.ReadFile(back); err != nil || string(b) != "baked\n" {
		t.Errorf("cp out: %q %v", b, err)
	}
	if out := p.ok("exec", "-T", "app", "cat", "/tmp/in"); out != "copied in\n" {
		t.Errorf("cp in: %q", out)
	}

	events := p.start("events", "--json")
	time.Sleep(time.Second) // let it subscribe
	p.ok("restart", "-t", "1")
	events.waitOutput(t, 30*time.Second, `"action":"start"`)
	for _, line := range strings.Split(strings.TrimSpace(events.output()), "\n") {
		var ev struct{ Service, Type string }
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.Service != "app" || ev.Type != "container" {
			t.Errorf("event %q: %+v %v", line, ev, err)
		}
	}
	_ = events.interrupt(t, 10*time.Second)

	p.ok("stop", "-t", "1")
	if s := state(); s != "exited" {
		t.Errorf("after stop: %s", s)
	}
	p.ok("start")
	wait := p.start("wait", "app")
	time.Sleep(time.Second)
	p.ok("kill", "-s", "KILL")
	select {
	case <-wait.done:
		if out := strings.TrimSpace(wait.output()); !strings.Contains(out, "137") {
			t.Errorf("wait printed %q, want the exit code 137", out)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("wait did not return after kill:\n%s", wait.output())
	}
	if s := state(); s != "exited" {
		t.Errorf("after kill: %s", s)
	}

	p.ok("rm", "-f")
	if cs := projectContainers(t, d, "berthcmds"); len(cs) != 0 {
		t.Errorf("rm left %d containers", len(cs))
	}
	p.ok("down", "--rmi", "all")
	if _, err := d.Client().ImageInspect(t.Context(), image); err == nil {
		t.Errorf("down --rmi all left %s", image)
	}
}

// TestComposeWatch edits a file under a watched path: compose watch syncs
// it into the running container.
func TestComposeWatch(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	p := newComposeProject(t, d, map[string]string{
		"compose.yaml": `name: berthwatch
services:
  app:
    build: ./app
    develop:
      watch:
        - action: sync
          path: ./app/src
          target: /src
`,
		"app/Dockerfile": "FROM busybox\nCOPY src /src\nCMD [\"sh\", \"-c\", \"" + waitTERM + "\"]\n",
		"app/src/page":   "v1\n",
	})
	t.Cleanup(func() { p.run("down", "-t", "1", "--rmi", "local") })
	p.ok("up", "-d", "--build")
	w := p.start("watch", "--no-up")
	w.waitOutput(t, 30*time.Second, "Watch enabled")
	if err := os.WriteFile(filepath.Join(p.dir, "app/src/page"), []byte("v2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the edit synced into the container", 30*time.Second, func() bool {
		out, _, _ := p.run("exec", "-T", "app", "cat", "/src/page")
		return out == "v2\n"
	})
	_ = w.interrupt(t, 10*time.Second)
}

// TestComposePushWithBerthLogin checks that compose uses the credentials
// `berth login` stored: both read the docker CLI's config file.
func TestComposePushWithBerthLogin(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	reg := startRegistry(t, registryOptions{user: "alice", password: "s3cret"})
	p := newComposeProject(t, d, map[string]string{
		"compose.yaml":   "name: berthauth\nservices:\n  app:\n    build: ./app\n    image: " + reg.Host + "/team/app:1\n",
		"app/Dockerfile": "FROM busybox\nRUN echo private > /private\n",
	})
	t.Cleanup(func() { p.run("down", "--rmi", "all") })
	p.ok("build")
	if _, stderr, code := p.run("push"); code == 0 {
		t.Fatal("push without credentials succeeded")
	} else if !strings.Contains(stderr, "unauthorized") && !strings.Contains(stderr, "authentication required") && !strings.Contains(stderr, "no basic auth credentials") {
		t.Errorf("push without credentials: %s", stderr)
	}
	login := exec.Command(filepath.Join(testutil.BuildBinaries(t), "berth"), "-H", d.Host(), "login", "-u", "alice", "--password-stdin", reg.Host)
	login.Env, login.Stdin = p.env, strings.NewReader("s3cret\n")
	if out, err := login.CombinedOutput(); err != nil {
		t.Fatalf("berth login: %v\n%s", err, out)
	}
	p.ok("push")
	req, _ := http.NewRequest("GET", "http://"+reg.Host+"/v2/team/app/tags/list", nil)
	req.SetBasicAuth("alice", "s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tags struct{ Tags []string }
	if err := json.NewDecoder(resp.Body).Decode(&tags); err != nil || len(tags.Tags) != 1 {
		t.Errorf("registry tags after push: %v %v", tags.Tags, err)
	}
}
