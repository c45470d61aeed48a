package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/berth/berth/internal/testutil/need"
)

// The real clients DESIGN.md names, from Debian: docker-compose 1.29 and
// docker-py (python3-docker). hack/test-deps.sh (run by `make test`)
// installs them.

func runClient(t *testing.T, d *testutil.Daemon, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+d.Host(), "COMPOSE_PROJECT_NAME=it", "DOCKER_CONFIG="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestDockerComposeBuildAndUp(t *testing.T) {
	need.Command(t, "docker-compose", "docker-compose")
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "app"), 0o755)
	os.WriteFile(filepath.Join(dir, "app", "Dockerfile"), []byte("FROM busybox\nARG WHO=world\nRUN echo \"hello $WHO\" > /greeting\nCMD [\"sh\", \"-c\", \"cat /greeting; sleep 3\"]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(`version: "3.8"
services:
  web:
    build:
      context: ./app
      args:
        WHO: compose
    image: itweb:1
  client:
    image: busybox
    command: sh -c "sleep 1; ping -c1 -W1 web >/dev/null && echo reached-web"
`), 0o644)
	if out := runClient(t, d, dir, "docker-compose", "build"); !strings.Contains(out, "Successfully tagged itweb:1") {
		t.Fatalf("compose build: %s", out)
	}
	out := runClient(t, d, dir, "docker-compose", "up")
	if !strings.Contains(out, "hello compose") || !strings.Contains(out, "reached-web") {
		t.Fatalf("compose up: %s", out)
	}
	runClient(t, d, dir, "docker-compose", "down")
	if ps := docker(t, d, "ps", "-aq"); ps != "" {
		t.Fatalf("compose down left containers: %q", ps)
	}
}

func TestDockerPy(t *testing.T) {
	need.PythonModule(t, "docker", "python3-docker")
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM busybox\nRUN echo built > /b\nCMD [\"cat\", \"/b\"]\n"), 0o644)
	script := `
import sys, docker
c = docker.DockerClient(base_url=sys.argv[1])
img, _ = c.images.build(path=sys.argv[2], tag="pyimg:1")
print("build", img.tags)
print("run", c.containers.run("pyimg:1", remove=True).decode().strip())
ct = c.containers.run("busybox", ["sleep", "30"], detach=True)
print("exec", ct.exec_run(["echo", "ok"]).output.decode().strip())
ct.stop(timeout=1)
ct.reload()
print("stopped", ct.status)
ct.remove()
`
	out := runClient(t, d, dir, "/usr/bin/python3", "-c", script, d.Host(), dir)
	for _, want := range []string{"build ['pyimg:1']", "run built", "exec ok", "stopped exited"} {
		if !strings.Contains(out, want) {
			t.Fatalf("docker-py: want %q in\n%s", want, out)
		}
	}
}
