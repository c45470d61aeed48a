package jsonlog

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// pollInterval is how often a follower looks for new entries and rotation.
// A stat and a read per interval costs nothing measurable, works on every
// file system and needs no inotify watch per `docker logs -f`.
var pollInterval = 100 * time.Millisecond

// follow reads cur (positioned by lr) as it grows and moves to the next
// file when path is replaced by a rotation. last is the newest file read
// before cur, used when cur is nil (path did not exist yet).
func (r *reader) follow(cur *os.File, lr *lineReader, last os.FileInfo) error {
	defer func() { closeAll([]*os.File{cur}) }()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	stopping, linesBefore := false, 0
	for {
		if cur != nil {
			if err := r.send(lr); err != nil || r.done {
				return err
			}
		}
		rotatedNow, err := r.rotated(cur)
		if err != nil {
			return err
		}
		if rotatedNow {
			if cur != nil {
				// The writer is done with cur: take its last lines.
				if err := r.send(lr); err != nil || r.done {
					return err
				}
				if last, err = cur.Stat(); err != nil {
					return err
				}
				cur.Close()
			}
			var newer []*os.File
			newer, cur, err = openSet(r.path, last)
			if err != nil {
				return err
			}
			for _, f := range newer {
				if err == nil && !r.done {
					err = r.drain(f, 0)
				}
				if st, serr := f.Stat(); serr == nil {
					last = st
				}
				f.Close()
			}
			if err != nil || r.done {
				return err
			}
			if cur != nil {
				lr = newLineReader(cur)
			}
			continue
		}
		if stopping && r.lines == linesBefore {
			return nil // nothing more came in the last interval
		}
		linesBefore = r.lines
		stop := r.stop
		if stopping {
			stop = nil
		}
		select {
		case <-r.ctx.Done():
			return r.ctx.Err()
		case <-stop:
			// The container exited. Its shim may still be writing the
			// last output, so read until an interval brings nothing.
			stopping, linesBefore = true, -1
		case <-tick.C:
		}
		if !stopping && !r.opts.Until.IsZero() && time.Now().After(r.opts.Until) {
			stopping, linesBefore = true, -1
		}
	}
}

// rotated reports whether path no longer names cur.
func (r *reader) rotated(cur *os.File) (bool, error) {
	st, err := os.Stat(r.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // wait for it to appear, or to be replaced
	}
	if err != nil {
		return false, err
	}
	if cur == nil {
		return true, nil
	}
	curSt, err := cur.Stat()
	if err != nil {
		return false, err
	}
	return !os.SameFile(st, curSt), nil
}
