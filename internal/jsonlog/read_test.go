package jsonlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func readAll(t *testing.T, path string, opts ReadOptions) []Entry {
	t.Helper()
	entries, errc := Read(context.Background(), path, opts, nil)
	var got []Entry
	for e := range entries {
		got = append(got, e)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return got
}

// checkLines checks that got holds exactly the entries from..to-1 written
// by writeLines.
func checkLines(t *testing.T, got []Entry, from, to int) {
	t.Helper()
	if len(got) != to-from {
		t.Fatalf("got %d entries, want %d (%d..%d): %v", len(got), to-from, from, to-1, got)
	}
	for k, e := range got {
		i := from + k
		stream := "stdout"
		if i%2 == 1 {
			stream = "stderr"
		}
		if want := fmt.Sprintf("line %d\n", i); string(e.Line) != want || e.Stream != stream || !e.Time.Equal(lineTime(i)) {
			t.Fatalf("entry %d = %q %s %s, want %q %s %s", k, e.Line, e.Stream, e.Time, want, stream, lineTime(i))
		}
	}
}

func TestRoundTripSpecials(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{})
	for i, s := range specials {
		if err := w.Write("stdout", []byte(s), lineTime(i)); err != nil {
			t.Fatal(err)
		}
	}
	got := readAll(t, path, ReadOptions{Tail: -1})
	if len(got) != len(specials) {
		t.Fatalf("got %d entries, want %d", len(got), len(specials))
	}
	for i, s := range specials {
		// An empty line is stored without "log", as dockerd does, and
		// invalid UTF-8 reads back as U+FFFD.
		want := string([]rune(s))
		if string(got[i].Line) != want || got[i].Stream != "stdout" || !got[i].Time.Equal(lineTime(i)) {
			t.Errorf("entry %d = %q %s at %s, want %q", i, got[i].Line, got[i].Stream, got[i].Time, want)
		}
	}
}

// rotatedLog writes 0..n-1 into a log that rotates every few entries and
// returns its path.
func rotatedLog(t *testing.T, n int) string {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{MaxSize: 300, MaxFiles: 100})
	writeLines(t, w, 0, n)
	if _, err := os.Stat(path + ".5"); err != nil {
		t.Fatalf("want at least 6 files: %v", err)
	}
	return path
}

func TestTail(t *testing.T) {
	path := rotatedLog(t, 60)
	for _, tail := range []int{1, 3, 4, 5, 17, 59, 60, 61, 1000} {
		checkLines(t, readAll(t, path, ReadOptions{Tail: tail}), max(60-tail, 0), 60)
	}
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1}), 0, 60)
	checkLines(t, readAll(t, path, ReadOptions{Tail: 0}), 0, 0)
}

func TestSinceUntil(t *testing.T) {
	path := rotatedLog(t, 60)
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1, Since: lineTime(10)}), 10, 60)
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1, Until: lineTime(20)}), 0, 21)
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1, Since: lineTime(10), Until: lineTime(20).Add(-time.Nanosecond)}), 10, 20)
	// As in dockerd, tail picks the lines, then since filters them.
	checkLines(t, readAll(t, path, ReadOptions{Tail: 5, Since: lineTime(57)}), 57, 60)
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1, Since: lineTime(100)}), 0, 0)
}

func TestTruncatedAndBadLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{})
	writeLines(t, w, 0, 2)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("not json\n")
	writeLines(t, w, 2, 4)
	f.WriteString(`{"log":"cut short","stre`)
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1}), 0, 4)
	checkLines(t, readAll(t, path, ReadOptions{Tail: 2}), 2, 4)
}

func TestMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	checkLines(t, readAll(t, path, ReadOptions{Tail: -1}), 0, 0)
}

func fmtSscanf(s string, i *int) (int, error) { return fmt.Sscanf(s, "line %d\n", i) }
