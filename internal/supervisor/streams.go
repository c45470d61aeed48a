package supervisor

import (
	"encoding/binary"
	"errors"
	"io"

	"github.com/berth/berth/internal/backend"
)

// pumpStreams copies stdin to the process and its output to the client
// until the output ends. With keys, typing them detaches the client. The
// output arrives as the client must receive it (raw with a terminal,
// framed without), so with a framed client stream it is copied beneath the
// client's framing, not framed again. It reports whether the client
// detached.
func pumpStreams(conn io.ReadWriteCloser, stdin io.Reader, keys []byte, framed bool, stdout, stderr io.Writer) (detached bool) {
	detach := make(chan struct{})
	if stdin != nil {
		src := stdin
		if keys != nil {
			src = &detachReader{r: stdin, keys: keys}
		}
		go func() {
			_, err := io.Copy(conn, src)
			if errors.Is(err, errDetached) {
				close(detach)
				conn.Close()
				return
			}
			if cw, ok := conn.(interface{ CloseWrite() error }); ok {
				cw.CloseWrite() // the client's EOF is the process's EOF
			}
		}()
	}
	copyOutput(conn, framed, stdout, stderr)
	select {
	case <-detach:
		return true
	default:
		return false
	}
}

// copyOutput writes a task's stream to the client. Framed output goes to
// the connection beneath the client's framing when there is one; else
// (a client that takes only some streams, or an in-process reader) the
// frames are split to stdout and stderr.
func copyOutput(r io.Reader, framed bool, stdout, stderr io.Writer) {
	out := stdout
	if out == nil {
		out = stderr
	}
	switch {
	case out == nil:
		io.Copy(io.Discard, r)
		return
	case !framed:
		io.Copy(out, r)
		return
	}
	if fw, ok := out.(backend.FramedWriter); ok {
		io.Copy(fw.Raw(), r)
		return
	}
	demux(r, stdout, stderr)
}

// demux splits Docker's multiplexed frames to stdout and stderr.
func demux(r io.Reader, stdout, stderr io.Writer) {
	var hdr [8]byte
	buf := make([]byte, 32*1024)
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(hdr[4:]))
		if n > len(buf) {
			buf = make([]byte, n)
		}
		if _, err := io.ReadFull(r, buf[:n]); err != nil {
			return
		}
		w := stdout
		if hdr[0] == 2 {
			w = stderr
		}
		if w != nil {
			w.Write(buf[:n])
		}
	}
}
