package shim

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// LaunchConfig is what Launch needs: the shim binary and its flags.
type LaunchConfig struct {
	Binary string // path of the berth-shim binary
	Config        // its flags (OpenLog is not sent: the shim sets its own)
}

// Client talks to one shim over its socket; each call is one connection.
type Client struct {
	socket string
	proc   *os.Process
}

// Launch starts a shim in a session of its own (so it outlives the caller)
// and waits for its handshake: the init pid once `runtime create`
// succeeded, or the runtime's error. The shim keeps running; the caller
// reaps it (Process().Wait() in a goroutine).
func Launch(ctx context.Context, cfg LaunchConfig) (*Client, int, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	cmd := exec.Command(cfg.Binary, cfg.Args()...)
	cmd.ExtraFiles = []*os.File{w} // fd 3
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	// One P and no stray threads: the shim's memory is multiplied by the
	// number of containers.
	cmd.Env = []string{"GOMAXPROCS=1", "PATH=" + os.Getenv("PATH")}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return nil, 0, err
	}
	type result struct {
		line []byte
		err  error
	}
	got := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadBytes('\n')
		got <- result{line, err}
	}()
	var res result
	select {
	case res = <-got:
	case <-ctx.Done():
		cmd.Process.Kill()
		cmd.Process.Wait()
		return nil, 0, ctx.Err()
	}
	var hs struct {
		Pid   int    `json:"pid"`
		Error string `json:"error"`
	}
	if res.err == nil {
		res.err = json.Unmarshal(res.line, &hs)
	}
	if res.err != nil || hs.Error != "" {
		cmd.Process.Wait()
		if hs.Error != "" {
			return nil, 0, errors.New(hs.Error)
		}
		return nil, 0, fmt.Errorf("shim exited before its handshake: %w", res.err)
	}
	return &Client{socket: cfg.Socket, proc: cmd.Process}, hs.Pid, nil
}

// Dial connects to a running shim's socket (live restore); it fails when
// the shim is gone, and then the exit file tells how the container ended.
func Dial(socket string) (*Client, error) {
	conn, err := net.DialTimeout("unix", socket, 5*time.Second)
	if err != nil {
		return nil, err
	}
	conn.Close()
	return &Client{socket: socket}, nil
}

// Process is the shim process when this client launched it, else nil.
func (c *Client) Process() *os.Process { return c.proc }

// Socket is the shim's socket path.
func (c *Client) Socket() string { return c.socket }

// call sends req and decodes the answer into v; the connection stays open
// for the stream that may follow. ctx bounds the whole exchange.
func (c *Client) call(ctx context.Context, req request, v any) (*Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "unix", c.socket)
	if err != nil {
		return nil, err
	}
	conn := &Conn{UnixConn: nc.(*net.UnixConn)}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	line, _ := json.Marshal(req)
	if _, err := conn.Write(append(line, '\n')); err != nil {
		conn.Close()
		return nil, err
	}
	conn.r = bufio.NewReader(conn.UnixConn)
	answer, err := conn.r.ReadBytes('\n')
	if err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("shim %s: %w", req.Op, err)
	}
	var e errorReply
	if json.Unmarshal(answer, &e); e.Error != "" {
		conn.Close()
		return nil, replyError(e.Error)
	}
	if v != nil {
		if err := json.Unmarshal(answer, v); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return conn, nil
}

// do is call for ops without a stream.
func (c *Client) do(ctx context.Context, req request, v any) error {
	conn, err := c.call(ctx, req, v)
	if err == nil {
		conn.Close()
	}
	return err
}

// Conn is a streaming connection to the shim (attach, exec). Its reads
// include what arrived with the answer line; CloseWrite signals stdin EOF.
type Conn struct {
	*net.UnixConn
	r *bufio.Reader
}

func (c *Conn) Read(p []byte) (int, error) { return c.r.Read(p) }

// State returns the container's state.
func (c *Client) State(ctx context.Context) (State, error) {
	var st State
	err := c.do(ctx, request{Op: "state"}, &st)
	return st, err
}

// Start runs the container's process.
func (c *Client) Start(ctx context.Context) error {
	return c.do(ctx, request{Op: "start"}, nil)
}

// Wait blocks until the container exited and its exit file is written.
func (c *Client) Wait(ctx context.Context) (ExitStatus, error) {
	var st ExitStatus
	err := c.do(ctx, request{Op: "wait"}, &st)
	return st, err
}

// Kill signals the container's init, or with all every process in it.
func (c *Client) Kill(ctx context.Context, sig syscall.Signal, all bool) error {
	return c.do(ctx, request{Op: "kill", Signal: int(sig), All: all}, nil)
}

// Attach returns a connection carrying the container's output from now on
// and taking its stdin; tty says which format the output has. It is
// already what a Docker API client receives: raw bytes with a TTY, else
// Docker's 8-byte multiplexed frames (stdout 1, stderr 2) of the streams
// asked for, and nothing else. CloseWrite ends the input (with StdinOnce
// that closes the container's stdin); the shim closes the connection once
// the container exited and its output is drained.
func (c *Client) Attach(ctx context.Context, stdin, stdout, stderr bool) (net.Conn, bool, error) {
	var a attachReply
	conn, err := c.call(ctx, request{Op: "attach", Stdin: stdin, Stdout: stdout, Stderr: stderr}, &a)
	if err != nil {
		return nil, false, err
	}
	return conn, a.TTY, nil
}

// Resize sets the terminal size of the container (exec "") or of an exec.
func (c *Client) Resize(ctx context.Context, exec string, width, height int) error {
	return c.do(ctx, request{Op: "resize", Exec: exec, Width: width, Height: height}, nil)
}

// CloseStdin closes the container's stdin.
func (c *Client) CloseStdin(ctx context.Context) error {
	return c.do(ctx, request{Op: "closeStdin"}, nil)
}

// ExecRequest describes a process to run in the container.
type ExecRequest struct {
	ID      string
	Process *specs.Process
	TTY     bool
	Stdin   bool
	Detach  bool
	// DockerStream makes the exec's connection carry exactly what a
	// Docker API client receives: raw bytes with a TTY, else Docker's
	// 8-byte multiplexed frames (stdout 1, stderr 2), only of the output
	// Stdout and Stderr ask for, and no exit frame. The shim closes it
	// once the process exited and its output is drained; ExecWait then
	// tells the exit code. Without it the stream is the shim's own
	// (deprecated: removed once berthd uses the wire stream).
	DockerStream bool
	// Stdout and Stderr choose the output a DockerStream carries; output
	// not asked for is read and dropped.
	Stdout, Stderr bool
}

// Exec starts a process in the container and returns, unless detached, a
// connection streaming its output and taking its stdin (CloseWrite closes
// the process's stdin without a TTY), and its host pid. With DockerStream
// see ExecRequest. Without it, output is framed even with a TTY and the
// last frame is a StreamExit frame holding the exit code (deprecated:
// removed once berthd uses the wire stream).
//
// When the process cannot be started the error carries the runtime's
// words and the exec still exists, ended: ExecWait and ExecState report
// 127 for a missing executable and 126 for one that cannot be run.
func (c *Client) Exec(ctx context.Context, req ExecRequest) (net.Conn, int, error) {
	proc, err := json.Marshal(req.Process)
	if err != nil {
		return nil, 0, err
	}
	var r execReply
	conn, err := c.call(ctx, request{
		Op: "exec", Exec: req.ID, Process: proc, TTY: req.TTY, Stdin: req.Stdin, Detach: req.Detach,
		DockerStream: req.DockerStream, Stdout: req.Stdout, Stderr: req.Stderr,
	}, &r)
	if err != nil {
		return nil, 0, err
	}
	return conn, r.Pid, nil
}

// ExecState returns the state of exec id.
func (c *Client) ExecState(ctx context.Context, id string) (ExecStatus, error) {
	var st ExecStatus
	err := c.do(ctx, request{Op: "execState", Exec: id}, &st)
	return st, err
}
