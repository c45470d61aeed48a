package shim

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"syscall"
)

// handle serves one connection: one request, one answer, maybe a stream.
func (s *server) handle(conn *net.UnixConn) {
	defer conn.Close()
	br := bufio.NewReader(conn)
	line, err := br.ReadBytes('\n')
	if err != nil {
		return
	}
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		reply(conn, nil, err)
		return
	}
	switch req.Op {
	case "state":
		st, err := s.state()
		reply(conn, st, err)
	case "start":
		ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
		err := s.rt.Start(ctx, s.cfg.ID)
		cancel()
		reply(conn, struct{}{}, err)
	case "wait":
		<-s.done
		reply(conn, s.exit, nil)
	case "kill":
		reply(conn, struct{}{}, s.kill(syscall.Signal(req.Signal), req.All))
	case "attach":
		s.attach(conn, br, req)
	case "resize":
		reply(conn, struct{}{}, s.resize(req))
	case "closeStdin":
		s.closeStdin()
		reply(conn, struct{}{}, nil)
	case "exec":
		s.exec(conn, br, req)
	case "execState":
		st, err := s.execState(req.Exec)
		reply(conn, st, err)
	case "execDelete":
		reply(conn, struct{}{}, s.execDelete(req.Exec))
	case "execKill":
		reply(conn, struct{}{}, s.execKill(req.Exec, syscall.Signal(req.Signal)))
	case "execWait":
		st, err := s.execWait(req.Exec)
		reply(conn, st, err)
	case "pause", "resume":
		reply(conn, struct{}{}, s.pause(req.Op == "resume"))
	case "update":
		reply(conn, struct{}{}, s.update(req.Resources))
	case "pids":
		pids, err := s.pids()
		reply(conn, pids, err)
	case "checkpoint":
		reply(conn, nil, ErrCheckpointUnsupported)
	default:
		reply(conn, nil, errors.New("unknown op "+req.Op))
	}
}

// reply writes one answer line: v, or {"error":...}.
func reply(w io.Writer, v any, err error) error {
	if err != nil {
		v = errorReply{Error: err.Error()}
	}
	data, jerr := json.Marshal(v)
	if jerr != nil {
		data, _ = json.Marshal(errorReply{Error: jerr.Error()})
	}
	_, werr := w.Write(append(data, '\n'))
	return werr
}

func (s *server) state() (State, error) {
	s.mu.Lock()
	pid, exited, exit := s.pid, s.exited, s.exit
	s.mu.Unlock()
	if exited {
		// exit is complete once done is closed; until then the
		// status is stopped with the code still unknown.
		return State{Pid: pid, Status: "stopped", ExitCode: exit.ExitCode, ExitedAt: exit.ExitedAt}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
	defer cancel()
	rs, err := s.rt.State(ctx, s.cfg.ID)
	if err != nil {
		return State{}, err
	}
	return State{Pid: pid, Status: rs.Status}, nil
}

func (s *server) kill(sig syscall.Signal, all bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exited {
		return ErrNotRunning
	}
	if all {
		ctx, cancel := context.WithTimeout(context.Background(), runtimeTimeout)
		defer cancel()
		return s.rt.Kill(ctx, s.cfg.ID, sig, true)
	}
	// The init is our child (reparented), so its pid cannot be reused
	// before we reap it and set exited.
	return syscall.Kill(s.pid, sig)
}

func (s *server) closeStdin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	// A terminal stays open: closing the master would hang it up.
	if s.stdin != nil && s.console == nil {
		s.stdin.Close()
		s.stdin = nil
	}
}

func (s *server) resize(req request) error {
	s.mu.Lock()
	console := s.console
	if req.Exec != "" {
		e, ok := s.execs[req.Exec]
		if !ok {
			s.mu.Unlock()
			return errors.New("no such exec: " + req.Exec)
		}
		console = e.console
	}
	s.mu.Unlock()
	if console == nil {
		return errors.New("no terminal to resize")
	}
	return resize(console, req.Width, req.Height)
}

// attach streams the container's output to conn from now on and copies
// conn's bytes to its stdin, until the container exits.
func (s *server) attach(conn *net.UnixConn, br *bufio.Reader, req request) {
	if reply(conn, attachReply{TTY: s.cfg.TTY}, nil) != nil {
		return
	}
	sub := &subscriber{conn: conn, stdout: req.Stdout, stderr: req.Stderr, done: make(chan struct{})}
	if req.Stdout || req.Stderr {
		s.out.subscribe(sub)
	}
	inDone := make(chan struct{})
	if req.Stdin {
		go func() {
			defer close(inDone)
			s.copyStdin(br)
		}()
	}
	select {
	case <-sub.done:
	case <-s.done:
		s.out.unsubscribe(sub)
	case <-inDone:
		if !(req.Stdout || req.Stderr) {
			return
		}
		<-sub.done
	}
}

// copyStdin copies r to the container's stdin until r ends; with
// --stdin-once the container's stdin is then closed.
func (s *server) copyStdin(r io.Reader) {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			s.mu.Lock()
			in := s.stdin
			s.mu.Unlock()
			if in == nil {
				return
			}
			if _, werr := in.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			break
		}
	}
	if s.cfg.StdinOnce {
		s.closeStdin()
	}
}
