package container_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil/need"
	"github.com/moby/moby/api/types/container"
)

// docker runs the real docker CLI against the server, with a config dir of
// its own so no context or credential of the machine is used.
func docker(t *testing.T, sock, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command("docker", args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "DOCKER_HOST=unix://"+sock, "DOCKER_CONFIG="+t.TempDir(),
		"DOCKER_CONTEXT=", "DOCKER_API_VERSION=")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func TestDockerCLI(t *testing.T) {
	need.Command(t, "docker", "docker.io")
	ts, b := startUnix(t)
	sock := ts.Listener.Addr().String()
	stdin := ""
	check := func(args string, wantOut, wantErr string, wantCode int) {
		t.Helper()
		out, errOut, code := docker(t, sock, stdin, strings.Fields(args)...)
		if code != wantCode || !strings.Contains(out, wantOut) || !strings.Contains(errOut, wantErr) {
			t.Errorf("docker %s: exit %d, stdout %q, stderr %q; want exit %d, %q, %q",
				args, code, out, errOut, wantCode, wantOut, wantErr)
		}
	}

	check("run -d --name web1 -e A=b -p 8080:80 --memory 64m busybox sleep 100", fakeID+"\n", "", 0)
	if b.last() != "start "+fakeID || created(b) == nil || created(b).Image != "busybox" ||
		strings.Join(created(b).Cmd, " ") != "sleep 100" || created(b).HostConfig.Memory != 64<<20 {
		t.Errorf("run -d: backend got %q, %+v", b.last(), created(b))
	}
	// Many flags: the strict decoding must know every field the CLI sends.
	check("create --restart on-failure:2 -v /tmp:/data:ro --mount type=tmpfs,dst=/run --label a=b "+
		"--health-cmd true --health-start-interval 1s --ulimit nofile=100:200 --cap-add NET_ADMIN "+
		"--security-opt no-new-privileges --network host --dns 1.1.1.1 --add-host h:1.2.3.4 --pids-limit 10 "+
		"--cpus 1.5 --init --read-only --tmpfs /tmp2 -u 1000 -w /w --entrypoint sh --stop-signal SIGINT "+
		"--stop-timeout 3 --annotation x=y --platform linux/amd64 busybox -c true", fakeID+"\n", "", 0)
	if hc := created(b).HostConfig; hc.RestartPolicy.MaximumRetryCount != 2 || len(hc.Mounts) != 1 ||
		hc.PidsLimit == nil || *hc.PidsLimit != 10 || hc.NanoCPUs != 1.5e9 || hc.Init == nil || !*hc.Init ||
		created(b).Healthcheck == nil || created(b).StopSignal != "SIGINT" || b.last() != "create  linux/amd64" {
		t.Errorf("create: backend got %q %+v %+v", b.last(), created(b).Config, hc)
	}
	check("ps", "busybox", "", 0)
	check("ps --format {{.ID}}|{{.Names}}|{{.Status}}", fakeID[:12]+"|web|Up 1 minute\n", "", 0)
	check("logs web", "hello\n", "oops\n", 0)
	check("logs -t web", "2024-05-06T06:08:09.120000000Z hello\n", "", 0)
	check("logs nope", "", "No such container: nope", 1)

	b.exit <- container.WaitResponse{StatusCode: 3}
	check("wait web", "3\n", "", 0)
	check("wait nope", "", "Error response from daemon: No such container: nope", 1)

	check("exec web ls", "out\n", "err\n", 3) // the exit code comes from GET /exec/{id}/json
	check("exec -d web ls", "", "", 0)
	check("exec idle ls", "", "container idle is not running", 1)

	check("rm -f web", "web\n", "", 0)
	if b.last() != "remove web force=true v=false link=false" {
		t.Errorf("rm -f: backend got %q", b.last())
	}
	check("rm nope", "", "Error response from daemon: No such container: nope", 1)
	check("create --name a busybox", "", "Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", 1)

	// Attached run: create, attach (hijacked), wait, start; the exit code
	// of the container becomes the CLI's.
	b.exit <- container.WaitResponse{StatusCode: 3}
	check("run busybox", "out\n", "err\n", 3)

	// With -i, piped stdin reaches the backend and its end is an EOF.
	b.exit <- container.WaitResponse{StatusCode: 0}
	stdin = "some input\n"
	check("run -i busybox", "out\ngot some input\n", "err\n", 0)
}
