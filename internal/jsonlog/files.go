package jsonlog

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"time"
)

// scanBack calls fn with the offset of each '\n' in the first size bytes of
// f, last first, until fn returns false or the start of the file.
func scanBack(f *os.File, size int64, fn func(off int64) bool) error {
	var block [8192]byte
	for end := size; end > 0; {
		start := max(end-int64(len(block)), 0)
		b := block[:end-start]
		if _, err := f.ReadAt(b, start); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		for i := len(b) - 1; i >= 0; i-- {
			if b[i] == '\n' && !fn(start+int64(i)) {
				return nil
			}
		}
		end = start
	}
	return nil
}

// lastNewline returns the offset just past the last '\n' in the first size
// bytes of f, or 0 when there is none: the end of its complete lines.
func lastNewline(f *os.File, size int64) (int64, error) {
	var end int64
	err := scanBack(f, size, func(off int64) bool {
		end = off + 1
		return false
	})
	return end, err
}

// tailOffset finds where the last n complete lines of the first size bytes
// of f start, and how many complete lines (up to n) there are from there.
// A partial line at the end is not counted.
func tailOffset(f *os.File, size int64, n int) (off int64, lines int, err error) {
	// The n-th last line starts just after the (n+1)-th last newline.
	err = scanBack(f, size, func(nl int64) bool {
		lines++
		if lines == n+1 {
			off = nl + 1
			return false
		}
		return true
	})
	return off, min(lines, n), err
}

// openSet opens the current log file and the rotated ones as one consistent
// set, oldest first. When after is not nil, only rotated files newer than
// after (a file this reader already read) are taken. cur is nil when path
// does not exist. The set is consistent because it is taken again until
// path names the same file before and after the rotated ones are opened
// (every rotation replaces path last), and files only move up to higher
// numbers while the scan goes up, so none is missed, and one met twice is
// recognised.
func openSet(path string, after os.FileInfo) (rotated []*os.File, cur *os.File, err error) {
	for range 1000 {
		rotated, cur, err = tryOpenSet(path, after)
		if err != nil || rotated != nil || cur != nil {
			return rotated, cur, err
		}
		time.Sleep(time.Millisecond)
	}
	return nil, nil, errors.New("jsonlog: " + path + " keeps being rotated")
}

// tryOpenSet makes one attempt at openSet. It returns all nil when path
// changed meanwhile; an empty, non-nil rotated when there is nothing at all.
func tryOpenSet(path string, after os.FileInfo) ([]*os.File, *os.File, error) {
	cur, curSt, err := openStat(path)
	if err != nil {
		return nil, nil, err
	}
	rotated := []*os.File{}
	fail := func(err error) ([]*os.File, *os.File, error) {
		closeAll(append(rotated, cur))
		return nil, nil, err
	}
	seen := []os.FileInfo{curSt}
	for i, missing := 1, 0; missing < 2; i++ {
		f, st, err := openStat(path + "." + strconv.Itoa(i))
		if err != nil {
			return fail(err)
		}
		if f == nil {
			// A rotation in progress leaves one name free at a time
			// while it shifts path.i to path.(i+1); two in a row is
			// the end.
			missing++
			continue
		}
		missing = 0
		if after != nil && os.SameFile(st, after) {
			f.Close()
			break
		}
		if slices.ContainsFunc(seen, func(o os.FileInfo) bool { return o != nil && os.SameFile(o, st) }) {
			// Seen under its previous name before a shift moved it
			// up; or path.1 is a second name of path, during a
			// rotation (then path changes below) or after a writer
			// died in one.
			f.Close()
			continue
		}
		seen = append(seen, st)
		rotated = append(rotated, f)
	}
	st, err := os.Stat(path)
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fail(err)
	case (err == nil) != (cur != nil) || (cur != nil && !os.SameFile(st, curSt)):
		return fail(nil)
	}
	slices.Reverse(rotated)
	return rotated, cur, nil
}

// openStat opens name for reading; all nil if it does not exist.
func openStat(name string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}

// lineReader yields the complete lines of a file that may still grow. A
// partial last line is held back until its newline arrives.
type lineReader struct {
	br      *bufio.Reader
	partial []byte
}

func newLineReader(f *os.File) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(f, 64<<10)}
}

// next returns the next complete line, newline included, valid until the
// next call; io.EOF when no complete line is available yet.
func (r *lineReader) next() ([]byte, error) {
	for {
		chunk, err := r.br.ReadSlice('\n')
		if err == nil {
			if len(r.partial) == 0 {
				return chunk, nil
			}
			r.partial = append(r.partial, chunk...)
			line := r.partial
			r.partial = r.partial[:0]
			return line, nil
		}
		r.partial = append(r.partial, chunk...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
}
