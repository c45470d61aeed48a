package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// Runtime is one OCI runtime binary with its state directory.
type Runtime struct {
	// Name is how Berth calls the runtime ("runc", "crun"); it names the
	// state directory under <exec-root>/runtime.
	Name string
	// Path is the binary.
	Path string
	// Root is the runtime's state directory, passed as --root.
	Root string
	// Reaper, when set, starts and reaps every runtime invocation; a
	// process that reaps all its children (the shim) must set it. Nil
	// means os/exec's own Wait.
	Reaper *Reaper
}

// New returns the runtime called name at path, keeping its state in root.
func New(name, path, root string) Runtime {
	return Runtime{Name: name, Path: path, Root: root}
}

// ErrNotExist matches (with errors.Is) a runtime error saying the
// container does not exist.
var ErrNotExist = errors.New("container does not exist")

// Error is a failed runtime invocation.
type Error struct {
	Runtime string // runtime name
	Op      string // subcommand: create, start, ...
	// Msg is what the runtime said, from its JSON log (or stderr); it
	// is the text a user should see.
	Msg      string
	ExitCode int
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return fmt.Sprintf("%s %s: exit status %d", e.Runtime, e.Op, e.ExitCode)
}

// Is makes errors.Is(err, ErrNotExist) work across runc's and crun's words.
func (e *Error) Is(target error) bool {
	if target != ErrNotExist {
		return false
	}
	m := strings.ToLower(e.Msg)
	return strings.Contains(m, "does not exist") || strings.Contains(m, "not found") && !strings.Contains(m, "executable")
}

// stdio is what one invocation gets as fds 0-2; nil means /dev/null.
type stdio struct{ in, out, err *os.File }

// run invokes the runtime with args after the global flags and waits for
// it. A failure becomes an *Error carrying the runtime's message.
func (r Runtime) run(ctx context.Context, op string, fds stdio, args ...string) error {
	// The runtime's JSON log is where its error message is. It lives in the
	// runtime's state root (under berthd's exec root), not /tmp, so one
	// left by a process killed mid-call goes away with that root.
	if r.Root != "" {
		if err := os.MkdirAll(r.Root, 0o700); err != nil {
			return err
		}
	}
	logf, err := os.CreateTemp(r.Root, ".log-*")
	if err != nil {
		return err
	}
	logPath := logf.Name()
	logf.Close()
	defer os.Remove(logPath)

	full := []string{"--log=" + logPath, "--log-format=json"}
	if r.Root != "" {
		full = append(full, "--root="+r.Root)
	}
	full = append(full, op)
	cmd := exec.Command(r.Path, append(full, args...)...)
	// A nil *os.File in an interface field would not read as "none".
	if fds.in != nil {
		cmd.Stdin = fds.in
	}
	if fds.out != nil {
		cmd.Stdout = fds.out
	}
	if fds.err != nil {
		cmd.Stderr = fds.err
	}
	code, err := r.wait(ctx, cmd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", r.Name, op, err)
	}
	if code == 0 {
		return nil
	}
	data, _ := os.ReadFile(logPath)
	return &Error{Runtime: r.Name, Op: op, Msg: logMessage(data), ExitCode: code}
}

// wait starts cmd and returns its exit code; a cancelled ctx kills it.
func (r Runtime) wait(ctx context.Context, cmd *exec.Cmd) (int, error) {
	if r.Reaper == nil {
		if err := cmd.Start(); err != nil {
			return 0, err
		}
		done := make(chan struct{})
		go func() {
			select {
			case <-ctx.Done():
				cmd.Process.Kill()
			case <-done:
			}
		}()
		err := cmd.Wait()
		close(done)
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			ws, _ := ee.Sys().(syscall.WaitStatus)
			return Exit{Status: ws}.Code(), ctx.Err()
		}
		return 0, err
	}
	ch, err := r.Reaper.Start(cmd)
	if err != nil {
		return 0, err
	}
	defer cmd.Process.Release()
	select {
	case e := <-ch:
		return e.Code(), nil
	case <-ctx.Done():
		cmd.Process.Kill()
		e := <-ch
		return e.Code(), ctx.Err()
	}
}

// output runs the runtime and returns what it wrote on stdout.
func (r Runtime) output(ctx context.Context, op string, args ...string) ([]byte, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	var out []byte
	read := make(chan struct{})
	go func() {
		out, _ = io.ReadAll(pr)
		close(read)
	}()
	err = r.run(ctx, op, stdio{out: pw}, args...)
	pw.Close()
	<-read
	return out, err
}

// logMessage picks the error messages out of a runtime's JSON log (runc
// and crun both write {"level":"error","msg":...} objects, crun without
// newlines between them). Text that is not JSON is returned as it is.
func logMessage(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	var msgs []string
	for {
		var entry struct{ Level, Msg string }
		if err := dec.Decode(&entry); err != nil {
			if err != io.EOF && len(msgs) == 0 {
				return strings.TrimSpace(string(data))
			}
			break
		}
		if entry.Level == "error" || entry.Level == "fatal" {
			msgs = append(msgs, entry.Msg)
		}
	}
	return strings.Join(msgs, ": ")
}
