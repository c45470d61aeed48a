package shim

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/berth/berth/internal/runtime"
	"golang.org/x/sys/unix"
)

// Timeouts of the shim's own steps.
const (
	drainTimeout   = 5 * time.Second  // output after the init exited
	consoleTimeout = 30 * time.Second // the runtime sending the pty
	runtimeTimeout = 60 * time.Second // any one runtime invocation
	answerGrace    = 2 * time.Second  // answers in flight when the shim ends
	// execExitGrace is how long execWait waits, once the init exited, for
	// an exec's exit; shorter than answerGrace so its answer goes out.
	execExitGrace = time.Second
)

// server is one running shim.
type server struct {
	cfg    Config
	rt     runtime.Runtime
	reaper *runtime.Reaper
	out    *fanout
	ln     *net.UnixListener

	mu      sync.Mutex
	pid     int
	exited  bool
	exit    ExitStatus
	stdin   *os.File // pipe to the container's stdin, or the pty master
	console *os.File // pty master with a TTY
	execs   map[string]*execProc
	execSeq int

	outDone []chan struct{} // closed when each output stream ended
	done    chan struct{}   // closed when the exit is recorded
	conns   sync.WaitGroup
}

// Serve runs the shim: it creates the container, reports the init pid (or
// the runtime's error) on fd 3, serves the socket until the container has
// exited and its exit is recorded and its runtime state deleted, then
// returns.
func Serve(cfg Config) error {
	debug.SetGCPercent(20)
	// Orphans of the container's processes (the init once the runtime
	// exits, exec processes) become ours to reap.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return handshake(0, err)
	}
	s := &server{
		cfg:    cfg,
		reaper: runtime.NewReaper(),
		execs:  map[string]*execProc{},
		done:   make(chan struct{}),
	}
	s.rt = runtime.Runtime{Name: cfg.RuntimeName, Path: cfg.RuntimePath, Root: cfg.RuntimeRoot, Reaper: s.reaper}
	if err := s.create(); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
		s.rt.Delete(ctx, cfg.ID, true)
		cancel()
		if s.ln != nil {
			s.ln.Close()
			os.Remove(cfg.Socket)
		}
		return handshake(0, err)
	}
	exited := s.reaper.Watch(s.pid)
	go s.accept()
	handshake(s.pid, nil)

	e := <-exited
	s.finish(e)
	s.ln.Close()
	os.Remove(cfg.Socket)
	// The runtime's leftovers (state, cgroup) go after the waiters had
	// their answer: the exit is what a `run --rm` waits for, not this.
	ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
	s.rt.Delete(ctx, cfg.ID, true)
	cancel()
	// Let waiters receive their answer before the process ends.
	idle := make(chan struct{})
	go func() { s.conns.Wait(); close(idle) }()
	waitAll(answerGrace, idle)
	return nil
}

// handshake writes the launch result on fd 3, which the launcher reads.
func handshake(pid int, err error) error {
	f := os.NewFile(3, "handshake")
	if f == nil {
		return err
	}
	defer f.Close()
	var line []byte
	if err != nil {
		line, _ = json.Marshal(errorReply{Error: err.Error()})
	} else {
		line, _ = json.Marshal(execReply{Pid: pid})
	}
	f.Write(append(line, '\n'))
	return err
}

// create sets up the socket, log and stdio, and runs `runtime create`.
func (s *server) create() error {
	cfg := s.cfg
	os.Remove(cfg.Socket)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: cfg.Socket, Net: "unix"})
	if err != nil {
		return err
	}
	s.ln = ln
	os.Chmod(cfg.Socket, 0o600)
	var log LogWriter
	if cfg.LogPath != "" && cfg.OpenLog != nil {
		if log, err = cfg.OpenLog(cfg.LogPath, cfg.LogMaxSize, cfg.LogMaxFile); err != nil {
			return err
		}
	}
	s.out = newFanout(cfg.TTY, log)

	pidFile := filepath.Join(cfg.Bundle, "init.pid")
	os.Remove(pidFile)
	opts := runtime.CreateOpts{PidFile: pidFile}
	var io *stdio
	if cfg.TTY {
		cs, err := newConsoleSocket(filepath.Join(cfg.Bundle, "console.sock"))
		if err != nil {
			return err
		}
		defer cs.close()
		opts.ConsoleSocket = cs.path
		type result struct {
			f   *os.File
			err error
		}
		got := make(chan result, 1)
		go func() { f, err := cs.receive(consoleTimeout); got <- result{f, err} }()
		if err := s.runtimeCreate(opts); err != nil {
			return err
		}
		r := <-got
		if r.err != nil {
			return r.err
		}
		s.console, s.stdin = r.f, r.f
		d := make(chan struct{})
		s.outDone = []chan struct{}{d}
		go pump(r.f, func(p []byte) { s.out.publish(StreamStdout, p) }, d)
	} else {
		if io, err = newStdio(cfg.Stdin); err != nil {
			return err
		}
		opts.Stdin, opts.Stdout, opts.Stderr = io.childIn, io.childOut, io.childErr
		err := s.runtimeCreate(opts)
		io.closeChild()
		if err != nil {
			io.closeParent()
			return err
		}
		s.stdin = io.in
		s.outDone = io.pump(s.out.publish)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return err
	}
	s.pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
	return err
}

func (s *server) runtimeCreate(opts runtime.CreateOpts) error {
	ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
	defer cancel()
	return s.rt.Create(ctx, s.cfg.ID, s.cfg.Bundle, opts)
}

// finish records the init's exit: it waits for the output to end, writes
// the exit file, deletes the runtime state, ends every attach and
// answers the waiters.
func (s *server) finish(e runtime.Exit) {
	s.mu.Lock()
	s.exited = true
	s.mu.Unlock()
	waitAll(drainTimeout, s.outDone...)
	st := ExitStatus{ExitCode: e.Code(), ExitedAt: e.Time.UTC(), OOMKilled: oomKilled(s.cfg.CgroupPath)}
	s.out.close()
	if s.out.log != nil {
		s.out.log.Close()
	}
	writeExitFile(s.cfg.ExitFile, st)
	s.mu.Lock()
	s.exit = st
	if s.stdin != nil {
		s.stdin.Close()
		s.stdin = nil
	}
	s.mu.Unlock()
	close(s.done)
}

// oomKilled reads the cgroup's OOM kill counter: cgroup v2 memory.events,
// or v1 memory.oom_control on a hybrid or v1 host.
func oomKilled(cgroup string) bool {
	if cgroup == "" {
		return false
	}
	paths := []string{
		filepath.Join("/sys/fs/cgroup", cgroup, "memory.events"),
		filepath.Join("/sys/fs/cgroup/memory", cgroup, "memory.oom_control"),
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if n, ok := strings.CutPrefix(line, "oom_kill "); ok {
				return strings.TrimSpace(n) != "0"
			}
		}
	}
	return false
}

func (s *server) accept() {
	for {
		conn, err := s.ln.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		s.conns.Add(1)
		go func() {
			defer s.conns.Done()
			s.handle(conn)
		}()
	}
}
