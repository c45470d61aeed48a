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

	"github.com/berth/berth/internal/runtime"
)

// execProc is one process run in the container with exec.
type execProc struct {
	pid     int
	console *os.File // pty master with a terminal
	done    chan struct{}
	code    int // valid once done is closed
}

func (s *server) execState(id string) (ExecStatus, error) {
	s.mu.Lock()
	e, ok := s.execs[id]
	s.mu.Unlock()
	if !ok {
		return ExecStatus{}, errors.New("no such exec: " + id)
	}
	select {
	case <-e.done:
		return ExecStatus{Pid: e.pid, ExitCode: e.code}, nil
	default:
		return ExecStatus{Pid: e.pid, Running: true}, nil
	}
}

// exec starts req.Process in the container and, unless detached, streams
// its output to conn and conn's bytes to its stdin, ending with the exit
// code frame.
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
		s.mu.Lock()
		delete(s.execs, req.Exec)
		s.mu.Unlock()
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
		go pump(r, func(p []byte) {
			wmu.Lock()
			defer wmu.Unlock()
			if conn == nil {
				return
			}
			// Exec streams are framed even with a TTY, so the exit frame
			// that ends them can never be mistaken for output.
			if werr := writeFrame(conn, stream, p); werr != nil {
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
	if conn != nil {
		writeFrame(conn, StreamExit, exitFrame(e.code))
	}
	wmu.Unlock()
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
	if err == nil {
		e.pid, err = strconv.Atoi(strings.TrimSpace(string(data)))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("exec pid file: %w", err)
	}
	exited := s.reaper.Watch(e.pid)
	go func() {
		x := <-exited
		e.code = x.Code()
		close(e.done)
	}()
	return in, outs, nil
}
