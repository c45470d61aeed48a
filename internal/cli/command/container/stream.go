package container

import (
	"context"
	"io"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// streams are the local ends of an attach or exec session.
type streams struct {
	in       io.Reader // nil: stdin is not attached
	out, err io.Writer
	tty      bool
}

// pump copies a hijacked connection's output to the local streams and the
// local stdin to it, until the output ends (the process exited or the
// daemon detached us) or ctx is cancelled. Stdin's end is passed on as a
// half-close, so that a container reading its stdin sees EOF.
func pump(ctx context.Context, conn client.HijackedResponse, s streams) error {
	outDone := make(chan error, 1)
	go func() {
		var err error
		switch {
		case s.out == nil && s.err == nil:
			_, err = io.Copy(io.Discard, conn.Reader)
		case s.tty:
			_, err = io.Copy(s.out, conn.Reader)
		default:
			_, err = stdcopy.StdCopy(orDiscard(s.out), orDiscard(s.err), conn.Reader)
		}
		outDone <- err
	}()
	inDone := make(chan struct{})
	if s.in != nil {
		go func() {
			_, _ = io.Copy(conn.Conn, s.in)
			_ = conn.CloseWrite()
			close(inDone)
		}()
	}
	select {
	case err := <-outDone:
		return err
	case <-inDone:
		select {
		case err := <-outDone:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
