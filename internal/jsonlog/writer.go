package jsonlog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"sync"
	"time"
)

// filePerm is the mode dockerd gives json-file logs.
const filePerm = 0o640

// Writer appends entries to a container's log file and rotates it. It is
// safe for concurrent use (the shim copies stdout and stderr in two
// goroutines). Each entry reaches the file in one write(2), so a reader
// never sees half an entry unless the writer died in the middle of it.
type Writer struct {
	path string
	opts Options

	mu   sync.Mutex
	f    *os.File
	size int64
	kept int // rotated files path.1 .. path.kept exist
	buf  []byte
}

// NewWriter opens path for appending, creating it if needed: a restarted
// container keeps its log. A partial last line, left when a previous writer
// died mid-entry, is cut off so the next entry starts on a line of its own.
func NewWriter(path string, opts Options) (*Writer, error) {
	if opts.MaxFiles < 1 {
		opts.MaxFiles = 1
	}
	// Read-write so that recover can look at the end of the file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, filePerm)
	if err != nil {
		return nil, err
	}
	w := &Writer{path: path, opts: opts, f: f, buf: make([]byte, 0, 1024)}
	if err := w.recover(); err != nil {
		f.Close()
		return nil, err
	}
	if err := removeFrom(path, opts.MaxFiles); err != nil {
		f.Close()
		return nil, err
	}
	for w.kept+1 < opts.MaxFiles {
		if _, err := os.Stat(path + "." + strconv.Itoa(w.kept+1)); err != nil {
			break
		}
		w.kept++
	}
	return w, nil
}

// recover repairs what a writer that died mid-entry or mid-rotation left.
func (w *Writer) recover() error {
	cur, err := w.f.Stat()
	if err != nil {
		return err
	}
	if old, err := os.Stat(w.path + ".1"); err == nil && os.SameFile(cur, old) {
		// Died between linking path.1 and renaming the new file over
		// path: finish the rotation so the entries are not read twice.
		return w.replace()
	}
	w.size = cur.Size()
	end, err := lastNewline(w.f, w.size)
	if err != nil {
		return err
	}
	if end < w.size {
		if err := w.f.Truncate(end); err != nil {
			return err
		}
		w.size = end
	}
	return nil
}

// removeFrom deletes path.n, path.(n+1), ... left by a run with a larger
// MaxFiles: readers take every path.i they find for part of the log.
func removeFrom(path string, n int) error {
	for ; ; n++ {
		err := os.Remove(path + "." + strconv.Itoa(n))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Write appends one entry. line is stored as given: like dockerd, the caller
// includes the trailing "\n" of a complete line and leaves it off a partial
// one. stream is "stdout" or "stderr". If the entry would take the file past
// MaxSize, the file is rotated first, so no file exceeds MaxSize unless a
// single entry does.
func (w *Writer) Write(stream string, line []byte, t time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return fs.ErrClosed
	}
	buf, err := appendEntry(w.buf[:0], stream, line, t)
	if err != nil {
		return err
	}
	if cap(buf) <= 64<<10 {
		w.buf = buf // keep the grown buffer, but not a huge one
	}
	if w.opts.MaxSize > 0 && w.size > 0 && w.size+int64(len(buf)) > w.opts.MaxSize {
		if err := w.rotate(); err != nil {
			return fmt.Errorf("rotating %s: %w", w.path, err)
		}
	}
	n, err := w.f.Write(buf)
	w.size += int64(n)
	return err
}

// rotate shifts path.i to path.(i+1), dropping the oldest, makes path.1 a
// second name of the current file, then renames a fresh file over path.
// Readers therefore always find path, and one that holds the old file open
// sees path change underneath it and moves on.
func (w *Writer) rotate() error {
	if w.opts.MaxFiles > 1 {
		// Only the files that exist are shifted: a large max-file costs
		// nothing until the files are there.
		n := min(w.kept+1, w.opts.MaxFiles-1)
		last := w.path + "." + strconv.Itoa(n)
		if err := os.Remove(last); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for i := n; i > 1; i-- {
			from, to := w.path+"."+strconv.Itoa(i-1), w.path+"."+strconv.Itoa(i)
			if err := os.Rename(from, to); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if err := os.Link(w.path, w.path+".1"); err != nil {
			return err
		}
		w.kept = n
	}
	return w.replace()
}

// replace renames a new empty file over path and writes to it from now on.
func (w *Writer) replace() error {
	tmp := w.path + ".new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_TRUNC, filePerm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, w.path); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	w.f.Close()
	w.f, w.size = f, 0
	return nil
}

// Close closes the file. Later writes fail with fs.ErrClosed.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
