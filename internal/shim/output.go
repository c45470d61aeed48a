package shim

import (
	"bytes"
	"io"
	"net"
	"sync"
	"time"
)

// maxLogLine is where a line without a newline is cut into a partial log
// entry, as Docker does.
const maxLogLine = 16 * 1024

// subscriber is one attach connection receiving output.
type subscriber struct {
	conn           net.Conn
	stdout, stderr bool
	done           chan struct{} // closed when it gets no more output
}

// fanout hands the container's output to every attach and to the log.
type fanout struct {
	tty   bool
	mu    sync.Mutex
	subs  map[*subscriber]struct{}
	log   LogWriter
	lines [3][]byte // pending partial line per stream, for the log
}

func newFanout(tty bool, log LogWriter) *fanout {
	return &fanout{tty: tty, log: log, subs: map[*subscriber]struct{}{}}
}

func (f *fanout) subscribe(s *subscriber) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		close(s.done)
		return
	}
	f.subs[s] = struct{}{}
}

func (f *fanout) unsubscribe(s *subscriber) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.subs[s]; ok {
		delete(f.subs, s)
		close(s.done)
	}
}

// publish sends one chunk of stream (1 stdout, 2 stderr) to the
// subscribers that want it and to the log. A subscriber that cannot take
// it is dropped rather than holding up the container.
func (f *fanout) publish(stream byte, p []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		if stream == StreamStdout && !s.stdout || stream == StreamStderr && !s.stderr {
			continue
		}
		var err error
		if f.tty {
			_, err = s.conn.Write(p)
		} else {
			err = writeFrame(s.conn, stream, p)
		}
		if err != nil {
			delete(f.subs, s)
			close(s.done)
		}
	}
	if f.log != nil {
		f.logLines(stream, p)
	}
}

// logLines writes every complete line of p (with its newline) as one log
// entry, keeping the rest for the next chunk; a pending piece reaching
// maxLogLine goes out as a partial entry.
func (f *fanout) logLines(stream byte, p []byte) {
	name := "stdout"
	if stream == StreamStderr {
		name = "stderr"
	}
	buf := append(f.lines[stream], p...)
	now := time.Now().UTC()
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 && len(buf) < maxLogLine {
			break
		}
		n := i + 1
		if i < 0 || n > maxLogLine {
			n = maxLogLine
		}
		f.log.Write(name, buf[:n], now)
		buf = buf[n:]
	}
	f.lines[stream] = append(f.lines[stream][:0:0], buf...)
	if len(f.lines[stream]) == 0 {
		f.lines[stream] = nil
	}
}

// close flushes pending log pieces, ends every attach and refuses new
// ones; called once the container's output has ended.
func (f *fanout) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for stream, rest := range f.lines {
		if len(rest) > 0 && f.log != nil {
			name := "stdout"
			if stream == StreamStderr {
				name = "stderr"
			}
			f.log.Write(name, rest, time.Now().UTC())
		}
		f.lines[stream] = nil
	}
	for s := range f.subs {
		close(s.done)
	}
	f.subs = nil
}

// pump copies r to emit until EOF (or EIO, which a pty master returns
// once the terminal is closed) and then closes done.
func pump(r io.Reader, emit func([]byte), done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 8*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			emit(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// waitAll waits for every channel in chs, or for the timeout: output
// still held open by a process that escaped the container must not keep
// the shim from reporting the exit.
func waitAll(timeout time.Duration, chs ...chan struct{}) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for _, ch := range chs {
		select {
		case <-ch:
		case <-t.C:
			return
		}
	}
}
