package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeCompose puts a berth-compose on PATH that prints its arguments and
// DOCKER_HOST, copies its input and exits 3, standing in for the real one.
func fakeCompose(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	script := "#!/bin/sh\necho \"args: $*\"\necho \"host: $DOCKER_HOST\"\ncat\necho oops >&2\nexit 3\n"
	if err := os.WriteFile(filepath.Join(dir, composeBinary), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}

func TestComposeRunsBerthCompose(t *testing.T) {
	fakeCompose(t)
	t.Setenv("DOCKER_HOST", "unix:///from/env.sock")
	var out, errOut bytes.Buffer
	code := Run(context.Background(), []string{"-H", "unix:///x.sock", "compose", "-p", "demo", "up", "--wait"}, strings.NewReader("input\n"), &out, &errOut)
	if code != 3 {
		t.Errorf("exit %d, want berth-compose's 3", code)
	}
	want := "args: --host=unix:///x.sock compose -p demo up --wait\nhost: unix:///from/env.sock\ninput\n"
	if out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	if errOut.String() != "oops\n" {
		t.Errorf("stderr %q: berth must add nothing to compose's own errors", errOut.String())
	}

	// Without -H, berth passes no host flag: berth-compose reads the same
	// DOCKER_HOST (or a project's .env) as compose itself would.
	out.Reset()
	Run(context.Background(), []string{"compose", "--help"}, strings.NewReader(""), &out, &errOut)
	if !strings.HasPrefix(out.String(), "args: compose --help\n") {
		t.Errorf("compose --help ran as %q", out.String())
	}
}

func TestComposeMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var out, errOut bytes.Buffer
	code := Run(context.Background(), []string{"compose", "ps"}, strings.NewReader(""), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "'compose' needs the berth-compose program, which was not found") {
		t.Errorf("exit %d, %q", code, errOut.String())
	}
}

func TestFindComposeBesideFirst(t *testing.T) {
	onPath := fakeCompose(t)
	dir := t.TempDir()
	beside := filepath.Join(dir, composeBinary)
	if err := os.WriteFile(beside, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := findCompose(dir); err != nil || got != beside {
		t.Errorf("findCompose = %q, %v; want %q", got, err, beside)
	}
	// A file that cannot be run beside berth does not hide the one on PATH.
	if err := os.Chmod(beside, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := findCompose(dir); err != nil || got != filepath.Join(onPath, composeBinary) {
		t.Errorf("findCompose = %q, %v; want the one on PATH", got, err)
	}
}

func TestHelpListsCompose(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"--help"}, strings.NewReader(""), &out, &errOut); code != 0 || !strings.Contains(out.String(), "\n  compose     Docker Compose\n") {
		t.Errorf("berth --help does not list compose:\n%s", out.String())
	}
}
