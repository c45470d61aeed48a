package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// classicBuild runs `DOCKER_BUILDKIT=0 docker build` against d.
func classicBuild(t *testing.T, d *testutil.Daemon, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", append([]string{"build"}, args...)...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DOCKER_") && !strings.HasPrefix(kv, "BERTH_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "DOCKER_HOST="+d.Host(), "DOCKER_BUILDKIT=0", "DOCKER_CONFIG="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("docker build: %v", err)
	}
	return stdout.String(), stderr.String(), code
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBuildClassic builds with the docker CLI's classic builder: every
// instruction kind, the cache on a rebuild, a changed file invalidating
// its step and the ones after, and .dockerignore.
func TestBuildClassic(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": `ARG BASE=busybox
FROM ${BASE} AS base
ARG GREETING=hello
ENV APP=/app
WORKDIR $APP
COPY a.txt sub/ ./
RUN echo "$GREETING" > greeting && cat a.txt
LABEL com.example.x=1
EXPOSE 8080
USER 0:0
VOLUME /data
STOPSIGNAL SIGTERM
CMD ["cat", "/app/greeting"]
`,
		"a.txt":         "A\n",
		"sub/b.txt":     "B\n",
		"secret.txt":    "no\n",
		".dockerignore": "secret.txt\n",
	})
	out, stderr, code := classicBuild(t, d, "-t", "app:1", "--build-arg", "GREETING=hi", dir)
	if code != 0 {
		t.Fatalf("build: %d\n%s\n%s\n%s", code, out, stderr, d.Log())
	}
	for _, want := range []string{"Step 1/12 : FROM ${BASE} AS base", " ---> Running in ", "A\n", "Successfully built ", "Successfully tagged app:1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("build output lacks %q:\n%s", want, out)
		}
	}
	if got := docker(t, d, "run", "--rm", "app:1"); got != "hi\n" {
		t.Fatalf("run built image: %q", got)
	}
	if got := docker(t, d, "run", "--rm", "app:1", "ls", "/app"); got != "a.txt\nb.txt\ngreeting\n" {
		t.Fatalf("/app holds %q", got)
	}
	if got := docker(t, d, "inspect", "-f", "{{.Config.WorkingDir}} {{.Config.Labels}} {{.Config.StopSignal}}", "app:1"); got != "/app map[com.example.x:1] SIGTERM\n" {
		t.Fatalf("inspect: %q", got)
	}
	if ps := docker(t, d, "ps", "-aq"); ps != "" {
		t.Fatalf("containers left behind: %q", ps)
	}

	// Same inputs: every step from the cache, same image.
	again, _, code := classicBuild(t, d, "-t", "app:2", "--build-arg", "GREETING=hi", dir)
	if code != 0 || strings.Contains(again, "Running in") || strings.Count(again, "Using cache") < 10 {
		t.Fatalf("cached rebuild:\n%s", again)
	}
	if a, b := docker(t, d, "inspect", "-f", "{{.Id}}", "app:1"), docker(t, d, "inspect", "-f", "{{.Id}}", "app:2"); a != b {
		t.Fatalf("cached rebuild made another image: %s vs %s", a, b)
	}
	// A touched file (new mtime, same content) still hits the cache.
	future := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "a.txt"), future, future)
	if again, _, _ = classicBuild(t, d, "--build-arg", "GREETING=hi", dir); strings.Contains(again, "Running in") {
		t.Fatalf("mtime change invalidated the cache:\n%s", again)
	}
	// Changed content: the COPY and what follows run again.
	writeFiles(t, dir, map[string]string{"a.txt": "A2\n"})
	again, _, code = classicBuild(t, d, "-t", "app:3", "--build-arg", "GREETING=hi", dir)
	if code != 0 || !strings.Contains(again, "Running in") || !strings.Contains(again, "A2\n") {
		t.Fatalf("rebuild after a change:\n%s", again)
	}
	if strings.Count(again, "Using cache") != 2 { // ENV and WORKDIR, before the COPY
		t.Fatalf("cache hits after a change:\n%s", again)
	}
	// The cache survives a restart of the daemon.
	d.Restart(t)
	if again, _, code = classicBuild(t, d, "--build-arg", "GREETING=hi", dir); code != 0 || strings.Contains(again, "Running in") {
		t.Fatalf("rebuild after restart:\n%s", again)
	}
	// --no-cache runs every step.
	if again, _, code = classicBuild(t, d, "--no-cache", "--build-arg", "GREETING=hi", dir); code != 0 || strings.Contains(again, "Using cache") {
		t.Fatalf("--no-cache:\n%s", again)
	}
}

// TestBuildFailingRun: a failing RUN reports Docker's message and leaves
// no container.
func TestBuildFailingRun(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nRUN echo before; exit 3\n"})
	out, stderr, code := classicBuild(t, d, dir)
	if code == 0 || !strings.Contains(stderr+out, "The command '/bin/sh -c echo before; exit 3' returned a non-zero code: 3") {
		t.Fatalf("failing RUN: %d\n%s\n%s", code, out, stderr)
	}
	// As Docker's (rm=1, forcerm=0): the failed step's container stays
	// for inspection; --force-rm removes it too.
	if ps := nonEmptyLines(docker(t, d, "ps", "-aq")); len(ps) != 1 {
		t.Fatalf("containers after a failed build: %q, want the failed step's", ps)
	}
	docker(t, d, "container", "prune", "-f")
	if _, _, code := classicBuild(t, d, "--force-rm", dir); code == 0 {
		t.Fatal("failing RUN with --force-rm succeeded")
	}
	if ps := docker(t, d, "ps", "-aq"); ps != "" {
		t.Fatalf("containers left behind with --force-rm: %q", ps)
	}
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nFOO bar\n"})
	if _, stderr, code = classicBuild(t, d, dir); code == 0 || !strings.Contains(stderr, "unknown instruction: FOO") {
		t.Fatalf("unknown instruction: %d %s", code, stderr)
	}
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nCOPY missing.txt /\n"})
	if _, stderr, code = classicBuild(t, d, dir); code == 0 || !strings.Contains(stderr, "missing.txt") {
		t.Fatalf("missing COPY source: %d %s", code, stderr)
	}
}

// TestBuildMultiStage copies from an earlier stage; a stage the target
// does not need is not built.
func TestBuildMultiStage(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": `FROM busybox AS gen
RUN mkdir /out && echo generated > /out/file
FROM busybox AS unused
RUN echo SHOULD-NOT-RUN
FROM scratch
COPY --from=gen /out/ /
COPY --from=busybox --chmod=755 /bin/busybox /busybox
ADD layer.tar /unpacked/
CMD ["/busybox", "cat", "/file"]
`,
	})
	var tarball bytes.Buffer
	tarball.Write(testutil.LayerTar(t, map[string]string{"inside.txt": "x"}))
	if err := os.WriteFile(filepath.Join(dir, "layer.tar"), tarball.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := classicBuild(t, d, "-t", "multi", dir)
	if code != 0 || strings.Contains(out, "SHOULD-NOT-RUN") {
		t.Fatalf("build: %d\n%s\n%s", code, out, stderr)
	}
	if got := docker(t, d, "run", "--rm", "multi"); got != "generated\n" {
		t.Fatalf("run: %q", got)
	}
	if got := docker(t, d, "run", "--rm", "multi", "/busybox", "cat", "/unpacked/inside.txt"); got != "x" {
		t.Fatalf("ADD did not unpack: %q", got)
	}
}

// TestBerthBuild drives `berth build`: a directory with -q and --iidfile,
// a --target, and a Dockerfile on stdin.
func TestBerthBuild(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": "FROM busybox AS one\nARG V\nRUN echo \"v=$V\" > /v\nFROM one\nLABEL two=yes\n",
	})
	iid := filepath.Join(t.TempDir(), "iid")
	out, stderr, code := testutil.Berth(t, d, "build", "-q", "--iidfile", iid, "--build-arg", "V=7", "--label", "l=1", "-t", "b:1", dir)
	if code != 0 {
		t.Fatalf("berth build: %d %s %s", code, out, stderr)
	}
	id, _ := os.ReadFile(iid)
	if !strings.HasPrefix(string(id), "sha256:") || strings.TrimSpace(out) != string(id) {
		t.Fatalf("-q printed %q, iidfile %q", out, id)
	}
	if got := docker(t, d, "run", "--rm", "b:1", "cat", "/v"); got != "v=7\n" {
		t.Fatalf("build arg: %q", got)
	}
	if got := docker(t, d, "inspect", "-f", "{{index .Config.Labels \"l\"}}{{index .Config.Labels \"two\"}}", "b:1"); got != "1yes\n" {
		t.Fatalf("labels: %q", got)
	}
	out, stderr, code = testutil.Berth(t, d, "build", "--target", "one", "-t", "b:one", dir)
	if code != 0 || strings.Contains(out, "LABEL two") || !strings.Contains(out, "Successfully tagged b:one") {
		t.Fatalf("--target: %d %s %s", code, out, stderr)
	}
	out, stderr, code = testutil.BerthStdin(t, d, strings.NewReader("FROM busybox\nCMD [\"echo\", \"stdin\"]\n"), "build", "-t", "b:stdin", "-")
	if code != 0 {
		t.Fatalf("build -: %d %s %s", code, out, stderr)
	}
	if got := docker(t, d, "run", "--rm", "b:stdin"); got != "stdin\n" {
		t.Fatalf("stdin image runs %q", got)
	}
	_, stderr, code = testutil.Berth(t, d, "build", "--target", "nope", dir)
	if code == 0 || !strings.Contains(stderr, "failed to reach build target nope") {
		t.Fatalf("bad target: %d %s", code, stderr)
	}
}

// TestBuildParallelStages: two stages that don't depend on each other
// build at the same time, yet the output reads like a sequential build:
// steps numbered 1..M, in order, a stage at a time.
func TestBuildParallelStages(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"Dockerfile": `FROM busybox AS a
RUN sleep 2 && echo a > /a
FROM busybox AS b
RUN sleep 2 && echo b > /b
FROM busybox
COPY --from=a /a /a
COPY --from=b /b /b
`,
	})
	start := time.Now()
	out, stderr, code := classicBuild(t, d, "-t", "par", dir)
	took := time.Since(start)
	if code != 0 {
		t.Fatalf("build: %d\n%s\n%s", code, out, stderr)
	}
	t.Logf("two stages of `RUN sleep 2` built in %v", took)
	if took >= 3500*time.Millisecond {
		t.Fatalf("independent stages ran one after the other: %v\n%s", took, out)
	}
	last := -1
	for n := 1; n <= 7; n++ {
		at := strings.Index(out, "Step "+strconv.Itoa(n)+"/7 : ")
		if at < last {
			t.Fatalf("step %d out of order:\n%s", n, out)
		}
		last = at
	}
	if a, b := strings.Index(out, "Step 2/7 : RUN sleep 2 && echo a"), strings.Index(out, "Step 3/7 : FROM busybox AS b"); a < 0 || b < a || strings.Count(out[a:b], "Removing intermediate container") != 1 {
		t.Fatalf("stage a's output is not one block:\n%s", out)
	}
	if got := docker(t, d, "run", "--rm", "par", "cat", "/a", "/b"); got != "a\nb\n" {
		t.Fatalf("run: %q", got)
	}
}
