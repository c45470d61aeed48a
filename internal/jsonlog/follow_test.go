package jsonlog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func init() { pollInterval = 5 * time.Millisecond }

// follower collects what a following Read sends.
type follower struct {
	entries <-chan Entry
	errc    <-chan error
	stop    chan struct{}
	cancel  context.CancelFunc
}

func follow(t *testing.T, path string, opts ReadOptions) *follower {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	opts.Follow = true
	stop := make(chan struct{})
	entries, errc := Read(ctx, path, opts, stop)
	return &follower{entries: entries, errc: errc, stop: stop, cancel: cancel}
}

// take receives n entries.
func (f *follower) take(t *testing.T, n int) []Entry {
	t.Helper()
	var got []Entry
	for len(got) < n {
		select {
		case e, ok := <-f.entries:
			if !ok {
				t.Fatalf("closed after %d of %d entries: %v", len(got), n, <-f.errc)
			}
			got = append(got, e)
		case <-time.After(10 * time.Second):
			t.Fatalf("timed out after %d of %d entries", len(got), n)
		}
	}
	return got
}

// finish closes stop and returns the rest, checking that Read ends cleanly.
func (f *follower) finish(t *testing.T) []Entry {
	t.Helper()
	close(f.stop)
	var got []Entry
	for e := range f.entries {
		got = append(got, e)
	}
	if err := <-f.errc; err != nil {
		t.Fatal(err)
	}
	return got
}

func TestFollowAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{})
	writeLines(t, w, 0, 5)
	f := follow(t, path, ReadOptions{Tail: 2})
	checkLines(t, f.take(t, 2), 3, 5)
	writeLines(t, w, 5, 10)
	checkLines(t, f.take(t, 5), 5, 10)

	// An entry that arrives in two pieces is sent once it is whole.
	raw, _ := appendEntry(nil, "stderr", []byte("line 11\n"), lineTime(11))
	writeLines(t, w, 10, 11)
	g, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	g.Write(raw[:20])
	time.Sleep(3 * pollInterval)
	g.Write(raw[20:])
	checkLines(t, f.take(t, 2), 10, 12)
	checkLines(t, f.finish(t), 0, 0)
}

func TestFollowRotation(t *testing.T) {
	const n = 2000
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{MaxSize: 2000, MaxFiles: 1000})
	writeLines(t, w, 0, 10)
	f := follow(t, path, ReadOptions{Tail: 0})
	time.Sleep(2 * pollInterval)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 10; i < n; i += 10 {
			writeLines(t, w, i, i+10)
			if i%200 == 0 {
				time.Sleep(pollInterval)
			}
		}
	}()
	got := f.take(t, n-10)
	<-done
	checkLines(t, got, 10, n)
	checkLines(t, f.finish(t), 0, 0)
}

// TestFollowRotationLossy follows a log that rotates away faster than it
// is read: entries may be lost, as in dockerd, but never repeated or
// reordered.
func TestFollowRotationLossy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{MaxSize: 300, MaxFiles: 2})
	f := follow(t, path, ReadOptions{Tail: -1})
	writeLines(t, w, 0, 1500)
	got := f.finish(t)
	prev := -1
	for _, e := range got {
		var i int
		if _, err := fmtSscanf(string(e.Line), &i); err != nil || i <= prev {
			t.Fatalf("entry %q after line %d", e.Line, prev)
		}
		prev = i
	}
	if prev != 1499 {
		t.Errorf("last entry is line %d, want 1499", prev)
	}
}

func TestStopDrains(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{MaxSize: 400, MaxFiles: 50})
	f := follow(t, path, ReadOptions{Tail: -1})
	// The container writes its last lines (rotating) and exits at once.
	writeLines(t, w, 0, 40)
	checkLines(t, f.finish(t), 0, 40)
}

func TestFollowCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{})
	writeLines(t, w, 0, 1)
	f := follow(t, path, ReadOptions{Tail: -1})
	f.take(t, 1)
	f.cancel()
	for range f.entries {
	}
	if err := <-f.errc; !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestFollowUntil(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{})
	writeLines(t, w, 0, 3)
	f := follow(t, path, ReadOptions{Tail: -1, Until: time.Now().Add(50 * time.Millisecond)})
	var got []Entry
	for e := range f.entries { // ends by itself once Until has passed
		got = append(got, e)
	}
	checkLines(t, got, 0, 3)
}

func TestFollowFileAppears(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	f := follow(t, path, ReadOptions{Tail: -1})
	time.Sleep(3 * pollInterval)
	w := newWriter(t, path, Options{})
	writeLines(t, w, 0, 3)
	checkLines(t, f.take(t, 3), 0, 3)
	checkLines(t, f.finish(t), 0, 0)
}

// TestStopGrace: the shim may write the container's last output just after
// berthd learnt that the container exited.
func TestStopGrace(t *testing.T) {
	defer func(d time.Duration) { pollInterval = d }(pollInterval)
	pollInterval = 300 * time.Millisecond
	path := filepath.Join(t.TempDir(), "c-json.log")
	w := newWriter(t, path, Options{})
	writeLines(t, w, 0, 2)
	f := follow(t, path, ReadOptions{Tail: -1})
	checkLines(t, f.take(t, 2), 0, 2)
	go func() {
		time.Sleep(30 * time.Millisecond)
		writeLines(t, w, 2, 4)
	}()
	checkLines(t, f.finish(t), 2, 4)
}
