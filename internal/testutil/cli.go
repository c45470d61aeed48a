package testutil

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil/need"
)

// CLITimeout bounds one docker or berth CLI invocation.
const CLITimeout = 5 * time.Minute

// Docker runs the docker CLI found on PATH against d and returns what it
// printed and its exit status. The CLI gets a private config directory, so
// the user's ~/.docker (contexts, credentials) plays no part.
func Docker(t testing.TB, d *Daemon, args ...string) (stdout, stderr string, exitCode int) {
	t.Helper()
	return DockerStdin(t, d, nil, args...)
}

// DockerStdin is Docker with stdin (nil for none).
func DockerStdin(t testing.TB, d *Daemon, stdin io.Reader, args ...string) (stdout, stderr string, exitCode int) {
	t.Helper()
	bin := need.Command(t, "docker", "docker.io")
	env := append(cleanEnv(), "DOCKER_HOST="+d.Host(), "DOCKER_CONFIG="+cliConfigDir(t))
	return runCLI(t, bin, args, env, stdin)
}

// Berth runs the built berth CLI with -H pointing at d.
func Berth(t testing.TB, d *Daemon, args ...string) (stdout, stderr string, exitCode int) {
	t.Helper()
	return BerthStdin(t, d, nil, args...)
}

// BerthStdin is Berth with stdin (nil for none).
func BerthStdin(t testing.TB, d *Daemon, stdin io.Reader, args ...string) (stdout, stderr string, exitCode int) {
	t.Helper()
	bin := filepath.Join(BuildBinaries(t), "berth")
	env := append(cleanEnv(), "DOCKER_CONFIG="+cliConfigDir(t))
	return runCLI(t, bin, append([]string{"-H", d.Host()}, args...), env, stdin)
}

func runCLI(t testing.TB, bin string, args, env []string, stdin io.Reader) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), CLITimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || ctx.Err() != nil {
			t.Fatalf("%s %s: %v (ctx: %v)\nstderr: %s", filepath.Base(bin), strings.Join(args, " "), err, ctx.Err(), stderr.String())
		}
		code = exitErr.ExitCode()
	}
	return stdout.String(), stderr.String(), code
}

// cleanEnv is the test's environment without the variables that would send
// a CLI somewhere else (another daemon, context or API version).
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "DOCKER_") || strings.HasPrefix(name, "BERTH_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func cliConfigDir(t testing.TB) string {
	dir := filepath.Join(t.TempDir(), "cli-config")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}
