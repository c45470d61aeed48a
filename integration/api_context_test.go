package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// sharedCLI runs docker or berth with one config directory and no
// DOCKER_HOST, so the context decides where they connect.
func sharedCLI(t *testing.T, configDir, bin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DOCKER_") && !strings.HasPrefix(kv, "BERTH_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "DOCKER_CONFIG="+configDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// TestContextsShared checks that berth's contexts live in the docker CLI's
// store: each CLI sees, uses, exports and imports the other's contexts.
func TestContextsShared(t *testing.T) {
	d := testutil.StartDaemon(t)
	cfg := t.TempDir()
	berthBin := filepath.Join(testutil.BuildBinaries(t), "berth")
	run := func(bin string, args ...string) string {
		t.Helper()
		out, stderr, code := sharedCLI(t, cfg, bin, args...)
		if code != 0 {
			t.Fatalf("%s %s: exit %d\n%s%s", filepath.Base(bin), strings.Join(args, " "), code, out, stderr)
		}
		return out
	}
	if out := run(berthBin, "context", "create", "fromberth", "--description", "made by berth", "--docker", "host="+d.Host()); out != "fromberth\n" {
		t.Errorf("berth context create: %q", out)
	}
	if out := run("docker", "context", "ls", "--format", "{{.Name}} {{.Description}} {{.DockerEndpoint}}"); !strings.Contains(out, "fromberth made by berth "+d.Host()) {
		t.Errorf("docker context ls does not show berth's context:\n%s", out)
	}
	run("docker", "context", "use", "fromberth")
	if out := run(berthBin, "version", "--format", "{{.Server.Os}}"); out != "linux\n" {
		t.Errorf("berth through the context docker chose: %q", out)
	}
	if out := run(berthBin, "context", "ls"); !strings.Contains(out, "fromberth *") || !strings.HasPrefix(out, "NAME") {
		t.Errorf("berth context ls:\n%s", out)
	}
	run("docker", "context", "create", "fromdocker", "--docker", "host="+d.Host())
	if out := run(berthBin, "--context", "fromdocker", "info", "--format", "{{.OSType}}"); out != "linux\n" {
		t.Errorf("berth --context with docker's context: %q", out)
	}
	var inspected []struct {
		Name      string
		Endpoints map[string]struct{ Host string }
	}
	if err := json.Unmarshal([]byte(run(berthBin, "context", "inspect", "fromdocker")), &inspected); err != nil || len(inspected) != 1 || inspected[0].Endpoints["docker"].Host != d.Host() {
		t.Errorf("berth context inspect: %v %+v", err, inspected)
	}
	archive := filepath.Join(t.TempDir(), "ctx.dockercontext")
	run(berthBin, "context", "export", "fromberth", archive)
	run("docker", "context", "import", "imported", archive)
	if out := run("docker", "context", "inspect", "-f", "{{.Endpoints.docker.Host}}", "imported"); strings.TrimSpace(out) != d.Host() {
		t.Errorf("docker inspect of a context berth exported: %q", out)
	}
	if _, stderr, code := sharedCLI(t, cfg, berthBin, "context", "rm", "fromberth"); code == 0 || !strings.Contains(stderr, "context is in use") {
		t.Errorf("rm of the context in use: %d %q", code, stderr)
	}
	run(berthBin, "context", "use", "default")
	run(berthBin, "context", "rm", "fromberth", "fromdocker", "imported")
	if out := run("docker", "context", "ls", "-q"); strings.TrimSpace(out) != "default" {
		t.Errorf("contexts left: %q", out)
	}
}
