package jsonlog

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/containerd/errdefs"
)

var base = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// writeLines writes entries "line <i>\n" for i in [from, to), one
// millisecond apart, alternating stdout and stderr. It may run in a
// goroutine of its own, so it reports with Error, not Fatal.
func writeLines(t testing.TB, w *Writer, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		stream := "stdout"
		if i%2 == 1 {
			stream = "stderr"
		}
		if err := w.Write(stream, fmt.Appendf(nil, "line %d\n", i), lineTime(i)); err != nil {
			t.Error(err)
			return
		}
	}
}

func lineTime(i int) time.Time { return base.Add(time.Duration(i) * time.Millisecond) }

func newWriter(t testing.TB, path string, opts Options) *Writer {
	t.Helper()
	w, err := NewWriter(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// logFiles returns the names of the files in dir.
func logFiles(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int64{}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = info.Size()
	}
	return m
}

func TestRotation(t *testing.T) {
	for _, maxFiles := range []int{1, 2, 4} {
		t.Run(strconv.Itoa(maxFiles), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "c-json.log")
			const maxSize = 400
			w := newWriter(t, path, Options{MaxSize: maxSize, MaxFiles: maxFiles})
			writeLines(t, w, 0, 200)
			files := logFiles(t, dir)
			if len(files) != maxFiles {
				t.Fatalf("files %v, want %d", files, maxFiles)
			}
			for i := 1; i < maxFiles; i++ {
				if _, ok := files["c-json.log."+strconv.Itoa(i)]; !ok {
					t.Errorf("no c-json.log.%d in %v", i, files)
				}
			}
			for name, size := range files {
				if size > maxSize || size < maxSize/2 && name != "c-json.log" {
					t.Errorf("%s has %d bytes, max-size %d", name, size, maxSize)
				}
			}
			// What is kept is a run of the newest entries, in order.
			got := readAll(t, path, ReadOptions{Tail: -1})
			if len(got) == 0 {
				t.Fatal("nothing kept")
			}
			first := 200 - len(got)
			checkLines(t, got, first, 200)
		})
	}
}

func TestRotationLargeEntry(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c-json.log")
	w := newWriter(t, path, Options{MaxSize: 200, MaxFiles: 3})
	writeLines(t, w, 0, 1)
	big := bytes.Repeat([]byte("x"), 500)
	if err := w.Write("stdout", big, base); err != nil {
		t.Fatal(err)
	}
	writeLines(t, w, 1, 2)
	files := logFiles(t, dir)
	if files["c-json.log.1"] < 500 || files["c-json.log.2"] > 200 || files["c-json.log"] > 200 {
		t.Errorf("the large entry should have a file of its own: %v", files)
	}
}

func TestReopenAppends(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c-json.log")
	w := newWriter(t, path, Options{})
	writeLines(t, w, 0, 3)
	w.Close()
	if err := w.Write("stdout", []byte("x"), base); !errors.Is(err, os.ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
	// A writer that died mid-entry left half a line.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"log":"half`)
	f.Close()
	// And a run with more files left one too many.
	os.WriteFile(path+".1", nil, 0o600)
	w = newWriter(t, path, Options{MaxSize: 1 << 20, MaxFiles: 1})
	writeLines(t, w, 3, 5)
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1}), 0, 5)
	if _, err := os.Stat(path + ".1"); !os.IsNotExist(err) {
		t.Errorf("path.1 beyond max-file kept: %v", err)
	}
}

func TestReopenAfterCrashInRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c-json.log")
	w := newWriter(t, path, Options{})
	writeLines(t, w, 0, 3)
	w.Close()
	// Died right after linking path.1: both names are the same file.
	if err := os.Link(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1}), 0, 3)
	w = newWriter(t, path, Options{MaxSize: 1 << 20, MaxFiles: 2})
	writeLines(t, w, 3, 5)
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1}), 0, 5)
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"100": 100, "512k": 512000, "10m": 10000000, "1g": 1000000000, "10MB": 10000000,
		"1.5k": 1500, "2KiB": 2000, "3 m": 3000000, "7b": 7, "0": 0, "1t": 1e12, "1p": 1e15,
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "m", "-1", "10x", "10mm", "1e3", "inf", "10kbb", "0x10", "1k1"} {
		if _, err := ParseSize(in); !errdefs.IsInvalidArgument(err) {
			t.Errorf("ParseSize(%q): %v, want an invalid-argument error", in, err)
		}
	}
}

func TestParseOptions(t *testing.T) {
	o, err := ParseOptions(map[string]string{"max-size": "1k", "max-file": "3", "tag": "x", "compress": "true"})
	if err != nil || o != (Options{MaxSize: 1000, MaxFiles: 3}) {
		t.Errorf("got %+v, %v", o, err)
	}
	if o, err := ParseOptions(nil); err != nil || o != (Options{MaxFiles: 1}) {
		t.Errorf("empty: %+v, %v", o, err)
	}
	for _, bad := range []map[string]string{
		{"max-size": "0"}, {"max-file": "0"}, {"max-file": "x"}, {"nope": "1"}, {"compress": "true"},
	} {
		if _, err := ParseOptions(bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%v: %v, want an invalid-argument error", bad, err)
		}
	}
}
