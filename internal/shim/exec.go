package shim

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/berth/berth/internal/runtime"
)

// execProc is one process run in the container with exec.
type execProc struct {
	pid     int
	console *os.File // pty master with a terminal
	done    chan struct{}
	code    int // valid once done is closed
}

func (s *server) lookupExec(id string) (*execProc, error) {
	s.mu.Lock()
	e, ok := s.execs[id]
	s.mu.Unlock()
	if !ok {
		return nil, errors.New("no such exec: " + id)
	}
	return e, nil
}

func (s *server) execState(id string) (ExecStatus, error) {
	e, err := s.lookupExec(id)
	if err != nil {
		return ExecStatus{}, err
	}
	select {
	case <-e.done:
		return ExecStatus{Pid: e.pid, ExitCode: e.code}, nil
	default:
		// Still starting, maybe: the pid is set under the lock.
		s.mu.Lock()
		defer s.mu.Unlock()
		return ExecStatus{Pid: e.pid, Running: true}, nil
	}
}

// execWait blocks until exec id has exited. Exec processes die with the
// container's pid namespace, and the kernel reports the init's exit only
// once they are reaped, so their exits come first; one that has not
// arrived a moment after the init's (a process outside the container's pid
// namespace) will not be seen by this shim, which is about to end.
func (s *server) execWait(id string) (ExecStatus, error) {
	e, err := s.lookupExec(id)
	if err != nil {
		return ExecStatus{}, err
	}
	select {
	case <-e.done:
	case <-s.done:
		t := time.NewTimer(execExitGrace)
		defer t.Stop()
		select {
		case <-e.done:
		case <-t.C:
			return ExecStatus{}, ErrNotRunning
		}
	}
	return ExecStatus{Pid: e.pid, ExitCode: e.code}, nil
}

// execKill signals exec id's process while it runs; one that ended is
// left alone. The shim reaps its execs, so the pid cannot be reused
// before done is closed, except in the instant between the reap and the
// close.
func (s *server) execKill(id string, sig syscall.Signal) error {
	e, err := s.lookupExec(id)
	if err != nil {
		return err
	}
	select {
	case <-e.done:
		return nil
	default:
	}
	s.mu.Lock()
	pid := e.pid
	s.mu.Unlock()
	if pid <= 0 {
		return errors.New("exec " + id + " has not started")
	}
	if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}

// execDelete forgets an exec that ended, so that a container probed for
// days (a health check every few seconds) does not grow the shim; one
// that still runs is refused.
func (s *server) execDelete(id string) error {
	e, err := s.lookupExec(id)
	if err != nil {
		return err
	}
	select {
	case <-e.done:
	default:
		return fmt.Errorf("exec %s is still running", id)
	}
	s.mu.Lock()
	delete(s.execs, id)
	s.mu.Unlock()
	return nil
}

// exec starts req.Process in the container and, unless detached, streams
// its output to conn and conn's bytes to its stdin until it exited and its
// output is drained. With req.DockerStream the stream is what a Docker API
// client receives; without, every output is framed and an exit frame ends
// it (deprecated: removed once berthd uses the wire stream).
func (s *server) exec(conn *net.UnixConn, br *bufio.Reader, req request) {
	s.mu.Lock()
	if s.exited {
		s.mu.Unlock()
		reply(conn, nil, ErrNotRunning)
		return
	}
	if _, dup := s.execs[req.Exec]; dup || req.Exec == "" {
		s.mu.Unlock()
		reply(conn, nil, fmt.Errorf("exec ID %q is empty or in use", req.Exec))
		return
	}
	e := &execProc{done: make(chan struct{})}
	s.execs[req.Exec] = e
	s.execSeq++
	// Short names: socket paths must stay under 108 bytes.
	base := filepath.Join(s.cfg.Bundle, "e"+strconv.Itoa(s.execSeq))
	s.mu.Unlock()

	in, outs, err := s.startExec(e, base, req)
	if err != nil {
		// The exec stays known, ended with the code Docker reports for
		// a process that could not start.
		e.code = startFailureCode(err)
		close(e.done)
		reply(conn, nil, err)
		return
	}
	if reply(conn, execReply{Pid: e.pid}, nil) != nil || req.Detach {
		conn = nil
	}
	if conn != nil && in != nil {
		go func() {
			io.Copy(in, br)
			if e.console == nil {
				in.Close()
			}
		}()
	}
	// Output is drained even when nobody reads it, so the process never
	// blocks on a full pipe.
	var wmu sync.Mutex
	var dones []chan struct{}
	for stream, r := range outs {
		d := make(chan struct{})
		dones = append(dones, d)
		send := execSender(req, stream)
		go pump(r, func(p []byte) {
			wmu.Lock()
			defer wmu.Unlock()
			if conn == nil || send == nil {
				return
			}
			if werr := send(conn, p); werr != nil {
				conn = nil
			}
		}, d)
	}
	<-e.done
	if in != nil && in != e.console {
		in.Close()
	}
	waitAll(drainTimeout, dones...)
	for _, r := range outs {
		r.Close()
	}
	wmu.Lock()
	if conn != nil && !req.DockerStream {
		writeFrame(conn, StreamExit, exitFrame(e.code))
	}
	wmu.Unlock()
}

// execSender is how output of stream reaches an exec's connection, or nil
// when it is not sent. A Docker stream carries the raw terminal with a TTY
// and Docker's frames without, each only when asked for; the shim's own
// stream frames everything, so that the exit frame ending it can never be
// mistaken for output (deprecated: removed once berthd uses the wire
// stream).
func execSender(req request, stream byte) func(io.Writer, []byte) error {
	framed := func(w io.Writer, p []byte) error { return writeFrame(w, stream, p) }
	switch {
	case !req.DockerStream:
		return framed
	case stream == StreamStdout && !req.Stdout, stream == StreamStderr && !req.Stderr:
		return nil
	case req.TTY:
		return func(w io.Writer, p []byte) error { _, err := w.Write(p); return err }
	}
	return framed
}

// startExec runs `runtime exec --detach` for req and returns the shim's
// end of the process's stdin (nil without one) and its output streams.
func (s *server) startExec(e *execProc, base string, req request) (*os.File, map[byte]*os.File, error) {
	procFile := base + ".json"
	if err := os.WriteFile(procFile, req.Process, 0o600); err != nil {
		return nil, nil, err
	}
	defer os.Remove(procFile)
	opts := runtime.ExecOpts{PidFile: base + ".pid", Detach: true}
	defer os.Remove(opts.PidFile)
	ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
	defer cancel()

	var in *os.File
	outs := map[byte]*os.File{}
	if req.TTY {
		cs, err := newConsoleSocket(base + ".sock")
		if err != nil {
			return nil, nil, err
		}
		defer cs.close()
		opts.ConsoleSocket = cs.path
		if err := s.rt.Exec(ctx, s.cfg.ID, procFile, opts); err != nil {
			return nil, nil, err
		}
		if e.console, err = cs.receive(consoleTimeout); err != nil {
			return nil, nil, err
		}
		in, outs[StreamStdout] = e.console, e.console
	} else {
		io, err := newStdio(req.Stdin && !req.Detach)
		if err != nil {
			return nil, nil, err
		}
		opts.Stdin, opts.Stdout, opts.Stderr = io.childIn, io.childOut, io.childErr
		err = s.rt.Exec(ctx, s.cfg.ID, procFile, opts)
		io.closeChild()
		if err != nil {
			io.closeParent()
			return nil, nil, err
		}
		in, outs[StreamStdout], outs[StreamStderr] = io.in, io.out, io.err
	}
	data, err := os.ReadFile(opts.PidFile)
	var pid int
	if err == nil {
		pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("exec pid file: %w", err)
	}
	s.mu.Lock()
	e.pid = pid
	s.mu.Unlock()
	exited := s.reaper.Watch(e.pid)
	go func() {
		x := <-exited
		e.code = x.Code()
		close(e.done)
	}()
	return in, outs, nil
}
