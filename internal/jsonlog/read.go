package jsonlog

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"time"
)

// Entry is one log entry.
type Entry struct {
	Stream string // "stdout" or "stderr"
	Line   []byte // as written: a complete line ends in "\n"
	Time   time.Time
}

// ReadOptions select the entries Read sends.
type ReadOptions struct {
	// Tail is how many entries to send from the end of the existing log,
	// counted across rotated files: -1 (any negative) for all, 0 for none
	// (with Follow: only new entries), as the API's tail=all / tail=0.
	// As in dockerd, Tail picks the last lines first and Since and Until
	// then filter those.
	Tail int
	// Since and Until bound entry times (zero: unbounded). Entries before
	// Since are skipped; the first entry after Until ends the read.
	Since, Until time.Time
	// Follow keeps reading entries as they are written.
	Follow bool
}

// Read sends the entries of the log at path: the rotated files oldest
// first, then the current file. With Follow it then sends new entries as
// they are written, across rotations, until ctx is done, Until is passed,
// or stop is closed (the container exited: what was written by then is sent
// first). Lines that are not valid entries, such as a last line cut short
// when the writer died, are skipped.
//
// Both channels are closed at the end; the error channel carries at most one
// error (ctx.Err() when ctx ended the read). A nil stop never fires.
func Read(ctx context.Context, path string, opts ReadOptions, stop <-chan struct{}) (<-chan Entry, <-chan error) {
	out := make(chan Entry, 16)
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		defer close(out)
		r := &reader{ctx: ctx, path: path, opts: opts, stop: stop, out: out}
		if err := r.run(); err != nil {
			errc <- err
		}
	}()
	return out, errc
}

type reader struct {
	ctx   context.Context
	path  string
	opts  ReadOptions
	stop  <-chan struct{}
	out   chan<- Entry
	done  bool // an entry after Until was met
	lines int  // lines read, for follow to see that the log is quiet
}

func (r *reader) run() error {
	if r.opts.Tail == 0 && !r.opts.Follow {
		return nil
	}
	rotated, cur, err := openSet(r.path, nil)
	if err != nil {
		return err
	}
	defer closeAll(rotated)
	files := rotated
	if cur != nil {
		files = append(rotated[:len(rotated):len(rotated)], cur)
	}
	starts, err := r.startOffsets(files)
	if err != nil {
		closeAll([]*os.File{cur})
		return err
	}
	var last os.FileInfo // the newest file read so far
	for i, f := range rotated {
		if last, err = f.Stat(); err == nil && starts[i] >= 0 {
			err = r.drain(f, starts[i])
		}
		if err != nil || r.done {
			closeAll([]*os.File{cur})
			return err
		}
	}
	var lr *lineReader
	if cur != nil {
		if _, err := cur.Seek(starts[len(starts)-1], io.SeekStart); err != nil {
			cur.Close()
			return err
		}
		lr = newLineReader(cur)
	}
	if r.opts.Follow {
		return r.follow(cur, lr, last)
	}
	if cur == nil {
		return nil
	}
	defer cur.Close()
	return r.send(lr)
}

// startOffsets says where reading starts in each file (oldest first) to
// honour Tail; -1 means the file is skipped.
func (r *reader) startOffsets(files []*os.File) ([]int64, error) {
	starts := make([]int64, len(files))
	if r.opts.Tail < 0 {
		return starts, nil
	}
	need := r.opts.Tail
	for i := len(files) - 1; i >= 0; i-- {
		st, err := files[i].Stat()
		if err != nil {
			return nil, err
		}
		if need == 0 {
			starts[i] = -1
			if i == len(files)-1 {
				// The current file: read only what comes next.
				starts[i], err = lastNewline(files[i], st.Size())
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		off, n, err := tailOffset(files[i], st.Size(), need)
		if err != nil {
			return nil, err
		}
		starts[i], need = off, need-n
	}
	return starts, nil
}

// drain sends the complete lines of f from off on.
func (r *reader) drain(f *os.File, off int64) error {
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	return r.send(newLineReader(f))
}

// send sends lr's complete lines until none is left for now.
func (r *reader) send(lr *lineReader) error {
	for !r.done {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		r.lines++
		if err := r.emit(line); err != nil {
			return err
		}
	}
	return nil
}

// record is an entry as stored.
type record struct {
	Log    string    `json:"log"`
	Stream string    `json:"stream"`
	Time   time.Time `json:"time"`
}

func (r *reader) emit(line []byte) error {
	var rec record
	if json.Unmarshal(line, &rec) != nil {
		return nil // not an entry: skip it
	}
	if !r.opts.Since.IsZero() && rec.Time.Before(r.opts.Since) {
		return nil
	}
	if !r.opts.Until.IsZero() && rec.Time.After(r.opts.Until) {
		r.done = true
		return nil
	}
	e := Entry{Stream: rec.Stream, Line: []byte(rec.Log), Time: rec.Time}
	select {
	case r.out <- e:
		return nil
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
}
