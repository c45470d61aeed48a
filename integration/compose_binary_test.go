package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
)

// TestComposeBinary: the built berth runs the berth-compose beside it for
// `berth compose`, whose help and exit statuses are compose's; a berth
// without one says which program it misses.
func TestComposeBinary(t *testing.T) {
	bin := testutil.BuildBinaries(t)
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "DOCKER_CONFIG=" + t.TempDir()}

	cmd := exec.Command(filepath.Join(bin, "berth"), "compose", "--help")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(out), "Usage:  berth compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker\n") {
		t.Errorf("berth compose --help: %v\n%s", err, out)
	}

	cmd = exec.Command(filepath.Join(bin, "berth"), "compose", "ps", "--bogus")
	cmd.Env = env
	out, err = cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 || string(out) != "unknown flag: --bogus\n" {
		t.Errorf("berth compose ps --bogus: exit %d (%v), %q", code, err, out)
	}

	// berth alone, with no berth-compose beside it or on PATH.
	alone := filepath.Join(t.TempDir(), "berth")
	data, err := os.ReadFile(filepath.Join(bin, "berth"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(alone, "compose", "version")
	cmd.Env = env
	out, err = cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "'compose' needs the berth-compose program, which was not found in "+filepath.Dir(alone)+" or on PATH") {
		t.Errorf("berth compose without berth-compose: %v\n%s", err, out)
	}
}
