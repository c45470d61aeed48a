package integration

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// composeProject is a compose project in a directory of its own, driven
// through the built `berth compose` as a user runs it there.
type composeProject struct {
	t   *testing.T
	d   *testutil.Daemon
	dir string
	env []string
}

func newComposeProject(t *testing.T, d *testutil.Daemon, files map[string]string) *composeProject {
	t.Helper()
	p := &composeProject{t: t, d: d, dir: t.TempDir()}
	writeFiles(t, p.dir, files)
	cfg := filepath.Join(t.TempDir(), "cli-config")
	if err := os.MkdirAll(cfg, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "DOCKER_") && !strings.HasPrefix(name, "BERTH_") && !strings.HasPrefix(name, "COMPOSE_") {
			p.env = append(p.env, kv)
		}
	}
	p.env = append(p.env, "DOCKER_CONFIG="+cfg)
	return p
}

func (p *composeProject) command(ctx context.Context, args ...string) *exec.Cmd {
	bin := filepath.Join(testutil.BuildBinaries(p.t), "berth")
	cmd := exec.CommandContext(ctx, bin, append([]string{"-H", p.d.Host(), "compose"}, args...)...)
	cmd.Dir, cmd.Env = p.dir, p.env
	return cmd
}

// run runs `berth compose args...` and returns stdout, stderr and the
// exit status.
func (p *composeProject) run(args ...string) (string, string, int) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := p.command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), stderr.String(), 0
	case errors.As(err, &exitErr) && ctx.Err() == nil:
		return stdout.String(), stderr.String(), exitErr.ExitCode()
	}
	p.t.Fatalf("berth compose %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr.String())
	return "", "", 0
}

// ok runs a compose command that must succeed and returns its stdout.
func (p *composeProject) ok(args ...string) string {
	p.t.Helper()
	stdout, stderr, code := p.run(args...)
	if code != 0 {
		p.t.Fatalf("berth compose %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// background is a compose command left running, its output collected.
type background struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer // stdout and stderr, interleaved
	done chan struct{}
	err  error
}

func (b *background) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.Write(p)
}

func (b *background) output() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.String()
}

// start runs a compose command in the background; it is killed when the
// test ends if still running.
func (p *composeProject) start(args ...string) *background {
	p.t.Helper()
	b := &background{done: make(chan struct{})}
	b.cmd = p.command(context.Background(), args...)
	b.cmd.Stdout, b.cmd.Stderr = b, b
	if err := b.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	go func() { b.err = b.cmd.Wait(); close(b.done) }()
	p.t.Cleanup(func() {
		select {
		case <-b.done:
		default:
			_ = b.cmd.Process.Kill()
			<-b.done
		}
	})
	return b
}

// waitOutput waits until the command has printed every one of want.
func (b *background) waitOutput(t *testing.T, timeout time.Duration, want ...string) {
	t.Helper()
	for deadline := time.Now().Add(timeout); ; time.Sleep(100 * time.Millisecond) {
		out := b.output()
		missing := ""
		for _, w := range want {
			if !strings.Contains(out, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		select {
		case <-b.done:
			t.Fatalf("command ended (%v) before printing %q:\n%s", b.err, missing, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q within %v:\n%s", missing, timeout, out)
		}
	}
}

// interrupt sends SIGINT, as Ctrl+C does, and waits for the command to end.
func (b *background) interrupt(t *testing.T, timeout time.Duration) error {
	t.Helper()
	if err := b.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-b.done:
		return b.err
	case <-time.After(timeout):
		t.Fatalf("still running %v after SIGINT:\n%s", timeout, b.output())
		return nil
	}
}

// projectContainers lists, through the API, the containers compose made
// for project (stopped ones too).
func projectContainers(t *testing.T, d *testutil.Daemon, project string, more ...string) []container.Summary {
	t.Helper()
	f := client.Filters{}.Add("label", "com.docker.compose.project="+project)
	for _, m := range more {
		f = f.Add("label", m)
	}
	res, err := d.Client().ContainerList(t.Context(), client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	return res.Items
}
