package container

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Stream types of Docker's multiplexed framing.
const (
	streamStdout byte = 1
	streamStderr byte = 2
)

// frame returns p behind Docker's 8-byte header: the stream type, three
// zero bytes and the big-endian payload length.
func frame(stream byte, p []byte) []byte {
	b := make([]byte, 8+len(p))
	b[0] = stream
	binary.BigEndian.PutUint32(b[4:8], uint32(len(p)))
	copy(b[8:], p)
	return b
}

// frameWriter frames every write for one stream. Each frame is one Write
// on the connection, which net.Conn never interleaves with another, so
// stdout and stderr may write at the same time.
type frameWriter struct {
	w      io.Writer
	stream byte
}

// Raw implements backend.FramedWriter.
func (f frameWriter) Raw() io.Writer { return f.w }

func (f frameWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if _, err := f.w.Write(frame(f.stream, p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// lingerTimeout bounds how long a finished stream waits for the client to
// close its end (see session.close).
const lingerTimeout = 2 * time.Second

// session is a connection taken over from net/http for attach or exec:
// raw output to the client, raw stdin from it, until either side ends.
type session struct {
	conn    net.Conn
	mux     bool          // whether the backend asked for framed output
	in      *bufio.Reader // holds what the client sent right after the request
	gone    chan struct{} // closed when the client has closed its end
	stop    chan struct{} // closed to end the watcher
	watched chan struct{} // closed when the watcher has returned
}

// hijack takes the connection of w and answers the upgrade: "101 UPGRADED"
// when the client asked for one ("Upgrade: tcp", as the docker CLI does),
// else "200 OK" for older clients, which then read until the connection
// ends. The server's own headers (Api-Version, Server, ...) go along.
func hijack(w http.ResponseWriter, r *http.Request, contentType string) (*session, error) {
	h := w.Header().Clone()
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{}) // a stream lives as long as it needs
	var b strings.Builder
	if _, upgrade := r.Header["Upgrade"]; upgrade {
		b.WriteString("HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n")
	} else {
		b.WriteString("HTTP/1.1 200 OK\r\n")
	}
	h.Set("Content-Type", contentType)
	_ = h.Write(&b)
	b.WriteString("\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		conn.Close()
		return nil, err
	}
	return &session{conn: conn, in: brw.Reader, gone: make(chan struct{}),
		stop: make(chan struct{}), watched: make(chan struct{})}, nil
}

// streams returns what a backend reads and writes: stdin (whose end, the
// client's half-close, is io.EOF), and stdout and stderr, framed when
// multiplexed. Closing stdin does not touch the connection: the router
// closes it when the backend returns.
func (s *session) streams(multiplexed bool) (io.ReadCloser, io.Writer, io.Writer) {
	stdin := io.NopCloser(s.in)
	if !multiplexed {
		return stdin, s.conn, s.conn
	}
	return stdin, frameWriter{s.conn, streamStdout}, frameWriter{s.conn, streamStderr}
}

// watch calls gone once the client has closed the connection, so a stream
// that neither reads stdin nor has output to write still notices. The
// connection's descriptor is polled through a duplicate: polling the
// original inside RawConn.Control would hold it and block Close. Only a
// full close wakes the poll (POLLHUP), not the half-close that ends stdin.
// On a unix socket (berthd's default) the client's close is seen at once;
// over TCP it looks like a half-close, and the next write finds out.
func (s *session) watch(gone func()) {
	fd, ok := dupFD(s.conn)
	if !ok {
		close(s.watched)
		return
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		unix.Close(fd)
		close(s.watched)
		return
	}
	go func() {
		<-s.stop
		unix.Close(p[1])
	}()
	go func() {
		defer close(s.watched)
		defer unix.Close(fd)
		defer unix.Close(p[0])
		fds := []unix.PollFd{{Fd: int32(fd)}, {Fd: int32(p[0]), Events: unix.POLLIN}}
		for {
			if _, err := unix.Poll(fds, -1); err != nil && err != unix.EINTR {
				return
			}
			if fds[1].Revents != 0 {
				return
			}
			if fds[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
				close(s.gone)
				gone()
				return
			}
		}
	}()
}

// dupFD returns a close-on-exec duplicate of the connection's descriptor.
func dupFD(c net.Conn) (int, bool) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return -1, false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1, false
	}
	fd, dupErr := -1, error(nil)
	if err := raw.Control(func(f uintptr) {
		fd, dupErr = unix.FcntlInt(f, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil || dupErr != nil {
		return -1, false
	}
	return fd, true
}

// close ends the stream: the output side first, so the client reads to
// the end and closes; the connection is closed after that (or after
// lingerTimeout). Closing it at once, with stdin still unread, would reset
// a TCP connection and could lose the output's tail on the client.
func (s *session) close() {
	if cw, ok := s.conn.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		select {
		case <-s.gone:
		case <-s.watched: // no watcher
		case <-time.After(lingerTimeout):
		}
	}
	close(s.stop)
	<-s.watched
	s.conn.Close()
}

// streamSetup is the backend.Streams a route hands its backend: the first call
// takes the connection over; the session is kept for the route to close.
type streamSetup struct {
	mu      sync.Mutex
	w       http.ResponseWriter
	r       *http.Request
	ctype   func(multiplexed bool) string
	onGone  func()
	session *session
}

func (ss *streamSetup) get(multiplexed bool) (io.ReadCloser, io.Writer, io.Writer, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.session != nil {
		stdin, out, errw := ss.session.streams(multiplexed)
		return stdin, out, errw, nil
	}
	s, err := hijack(ss.w, ss.r, ss.ctype(multiplexed))
	if err != nil {
		return nil, nil, nil, err
	}
	s.mux = multiplexed
	s.watch(ss.onGone)
	ss.session = s
	stdin, out, errw := s.streams(multiplexed)
	return stdin, out, errw, nil
}

// taken returns the session, nil when the backend never asked for streams.
func (ss *streamSetup) taken() *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.session
}
