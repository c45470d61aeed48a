package testutil

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil/need"
	"github.com/moby/moby/client"
)

const (
	// ReadyTimeout bounds how long a starting berthd may take to answer
	// GET /_ping.
	ReadyTimeout = 20 * time.Second
	// StopTimeout is how long Stop waits after SIGTERM before SIGKILL.
	StopTimeout = 10 * time.Second
	// BaseURL is the URL prefix to use with Daemon.HTTPClient; the host part
	// is ignored because every connection goes to the daemon's socket.
	BaseURL = "http://berth"
)

// DaemonConfig chooses where a daemon started by StartDaemonWith keeps its
// state. Empty roots are made fresh (under one short temporary directory)
// and removed when the test ends; roots given here are left in place.
type DaemonConfig struct {
	DataRoot string
	ExecRoot string
	// Args are extra berthd flags, after the ones naming the roots, the
	// socket and the log level.
	Args []string
}

// Daemon is a berthd process started for a test, with its own roots and
// socket.
type Daemon struct {
	Socket   string // path of the unix socket it serves
	DataRoot string
	ExecRoot string
	LogFile  string // stdout and stderr of every run, appended
	PID      int    // process ID of the current (or last) run

	bin  string
	args []string

	mu      sync.Mutex
	done    chan struct{} // closed when the current run has exited
	exitErr error         // how the current run ended, once done is closed
	proc    *os.Process
	client  *client.Client
}

// RequireRoot stops the test (a skip, a failure in CI) unless it runs as root, which berthd needs to
// mount layers.
func RequireRoot(t testing.TB) {
	t.Helper()
	need.Root(t, "berthd mounts overlay filesystems")
}

// StartDaemon starts berthd on fresh temporary roots with its own socket
// and waits until it answers /_ping. The daemon is stopped, and its roots
// unmounted and removed, when the test ends; its log goes to t.Log if the
// test failed.
func StartDaemon(t *testing.T, extraArgs ...string) *Daemon {
	t.Helper()
	d, err := StartDaemonWith(t, DaemonConfig{Args: extraArgs})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// StartDaemonWith is StartDaemon with a choice of roots. It returns an error
// (and the Daemon, whose log can then be read) when berthd exits or does not
// answer /_ping within ReadyTimeout; cleanup is registered either way.
func StartDaemonWith(t *testing.T, cfg DaemonConfig) (*Daemon, error) {
	t.Helper()
	RequireRoot(t)
	bin := filepath.Join(BuildBinaries(t), "berthd")

	// Unix socket paths must fit in 108 bytes, so the roots live in a
	// short directory directly under /tmp rather than in t.TempDir().
	top, err := os.MkdirTemp("", "berth")
	if err != nil {
		t.Fatal(err)
	}
	d := &Daemon{
		DataRoot: cfg.DataRoot,
		ExecRoot: cfg.ExecRoot,
		LogFile:  filepath.Join(top, "berthd.log"),
		bin:      bin,
	}
	if d.DataRoot == "" {
		d.DataRoot = filepath.Join(top, "data")
	}
	if d.ExecRoot == "" {
		d.ExecRoot = filepath.Join(top, "exec")
	}
	d.Socket = filepath.Join(d.ExecRoot, "berth.sock")
	d.args = append([]string{
		"--data-root", d.DataRoot,
		"--exec-root", d.ExecRoot,
		"--host", d.Host(),
		"--log-level", "debug",
	}, cfg.Args...)

	t.Cleanup(func() {
		d.removeContainers(t)
		d.Stop(t)
		killShims(d.ExecRoot)
		removeNetworks(t, d.DataRoot, d.args)
		if t.Failed() {
			t.Logf("berthd log (%s):\n%s", d.LogFile, tail(d.Log(), 64<<10))
		}
		d.mu.Lock()
		if d.client != nil {
			_ = d.client.Close()
		}
		d.mu.Unlock()
		// top holds the roots this function made; roots passed in by the
		// caller belong to the caller.
		if err := RemoveTree(top); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
	return d, d.start()
}

// Host returns the daemon's address as clients take it: unix://<socket>.
func (d *Daemon) Host() string { return "unix://" + d.Socket }

// Log returns everything the daemon has written to stdout and stderr.
func (d *Daemon) Log() string {
	b, _ := os.ReadFile(d.LogFile)
	return string(b)
}

// Running reports whether the current run of berthd has not exited yet.
func (d *Daemon) Running() bool {
	d.mu.Lock()
	done := d.done
	d.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

// Client returns a Go API client for the daemon (API version negotiated on
// first use). The same client is returned on every call and closed when the
// test ends.
func (d *Daemon) Client() *client.Client {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.client == nil {
		c, err := client.New(client.WithHost(d.Host()))
		if err != nil {
			// Only a malformed host fails here, and we wrote the host.
			panic(fmt.Sprintf("client for %s: %v", d.Host(), err))
		}
		d.client = c
	}
	return d.client
}

// HTTPClient returns a plain HTTP client whose every connection goes to the
// daemon's socket, for raw requests: use it with BaseURL + path.
func (d *Daemon) HTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var dialer net.Dialer
			return dialer.DialContext(ctx, "unix", d.Socket)
		},
		DisableKeepAlives: true,
	}}
}

// Stop sends SIGTERM and waits for berthd to exit, sending SIGKILL after
// StopTimeout. It does nothing if the daemon is not running.
func (d *Daemon) Stop(t testing.TB) {
	t.Helper()
	if !d.Running() {
		return
	}
	_ = d.proc.Signal(syscall.SIGTERM)
	if !d.waitExit(StopTimeout) {
		t.Logf("berthd (pid %d) did not exit %v after SIGTERM; killing it", d.PID, StopTimeout)
		d.Kill()
	}
}

// Kill sends SIGKILL, as a crash would, and waits for the process to go.
func (d *Daemon) Kill() {
	if !d.Running() {
		return
	}
	_ = d.proc.Signal(syscall.SIGKILL)
	d.waitExit(time.Minute)
}

// Restart stops berthd if it runs and starts it again on the same roots and
// socket, failing the test if it does not come up.
func (d *Daemon) Restart(t testing.TB) {
	t.Helper()
	d.Stop(t)
	if err := d.start(); err != nil {
		t.Fatal(err)
	}
}

// ExitError returns how the last run ended (nil for a clean exit), or nil
// while it still runs.
func (d *Daemon) ExitError() error {
	if d.Running() {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.exitErr
}

func (d *Daemon) waitExit(timeout time.Duration) bool {
	d.mu.Lock()
	done := d.done
	d.mu.Unlock()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

func (d *Daemon) start() error {
	logf, err := os.OpenFile(d.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(logf, "=== testutil: starting %s %s at %s\n", d.bin, strings.Join(d.args, " "), time.Now().Format(time.RFC3339Nano))

	cmd := exec.Command(d.bin, d.args...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	// If the test binary dies, the daemon goes with it instead of holding
	// mounts under /tmp forever.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start berthd: %w", err)
	}
	done := make(chan struct{})
	d.mu.Lock()
	d.proc = cmd.Process
	d.PID = cmd.Process.Pid
	d.done = done
	d.exitErr = nil
	d.mu.Unlock()
	go func() {
		err := cmd.Wait()
		logf.Close()
		d.mu.Lock()
		d.exitErr = err
		d.mu.Unlock()
		close(done)
	}()
	return d.waitReady(done)
}

func (d *Daemon) waitReady(done <-chan struct{}) error {
	hc := d.HTTPClient()
	hc.Timeout = time.Second
	deadline := time.Now().Add(ReadyTimeout)
	for {
		select {
		case <-done:
			return fmt.Errorf("berthd exited before it was ready (%v); log:\n%s", d.ExitError(), tail(d.Log(), 16<<10))
		default:
		}
		if pingOK(hc) {
			return nil
		}
		if time.Now().After(deadline) {
			d.Kill()
			return fmt.Errorf("berthd did not answer /_ping on %s within %v; log:\n%s", d.Socket, ReadyTimeout, tail(d.Log(), 16<<10))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func pingOK(hc *http.Client) bool {
	resp, err := hc.Get(BaseURL + "/_ping")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64))
	return err == nil && resp.StatusCode == http.StatusOK && string(body) == "OK"
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "...\n" + s[len(s)-n:]
}
