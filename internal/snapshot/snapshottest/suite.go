// Package snapshottest is the conformance suite every snapshot.Snapshotter
// passes: the contract its doc comment states, checked against a real
// instance.
package snapshottest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/berth/berth/internal/snapshot"
	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

// Run checks the snapshotter made by newSnapshotter (a fresh, empty one per
// test, kept in t's temporary directory) against Snapshotter's contract.
func Run(t *testing.T, newSnapshotter func(t *testing.T) snapshot.Snapshotter) {
	tests := []struct {
		name string
		fn   func(*testing.T, snapshot.Snapshotter)
	}{
		{"PendingIsEmptyAndUnseen", testPending},
		{"CommitThenStat", testCommit},
		{"LowersTopFirst", testLowers},
		{"CommitNeedsParent", testNeedsParent},
		{"SameChainIDKeepsFirst", testSameChainID},
		{"ConcurrentCommitsOfOneChainID", testConcurrentCommits},
		{"AbortAfterCommitDoesNothing", testAbortAfterCommit},
		{"NotFound", testNotFound},
		{"InvalidChainID", testInvalidChainID},
		{"WalkStopsAtError", testWalkError},
		{"Remove", testRemove},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newSnapshotter(t)) })
	}
}

// chain names a test tree; any valid digest is a chain ID to a snapshotter.
func chain(name string) digest.Digest { return digest.FromString(name) }

// commit fills a pending tree with one file, named and holding name, and
// commits it as chain(name) on parent.
func commit(t *testing.T, s snapshot.Snapshotter, name string, parent digest.Digest) snapshot.Info {
	t.Helper()
	p, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort()
	if err := os.WriteFile(filepath.Join(p.Dir(), name), []byte(name), 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := p.Commit(snapshot.Info{ChainID: chain(name), Parent: parent, DiffID: digest.FromString("diff " + name), Size: int64(len(name))})
	if err != nil {
		t.Fatalf("Commit(%s): %v", name, err)
	}
	return info
}

func walked(t *testing.T, s snapshot.Snapshotter) map[digest.Digest]snapshot.Info {
	t.Helper()
	seen := map[digest.Digest]snapshot.Info{}
	err := s.Walk(func(info snapshot.Info) error {
		if _, dup := seen[info.ChainID]; dup {
			t.Errorf("Walk reported %s twice", info.ChainID)
		}
		seen[info.ChainID] = info
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

func hasFile(dir, name string) bool {
	data, err := os.ReadFile(filepath.Join(dir, name))
	return err == nil && string(data) == name
}

func testPending(t *testing.T, s snapshot.Snapshotter) {
	p, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(p.Dir())
	if err != nil || len(entries) != 0 {
		t.Fatalf("new pending tree: %v entries, %v", len(entries), err)
	}
	os.WriteFile(filepath.Join(p.Dir(), "f"), []byte("x"), 0o644)
	if n := len(walked(t, s)); n != 0 {
		t.Errorf("Walk saw %d trees while only a pending one exists", n)
	}
	p.Abort()
	if _, err := os.Stat(p.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("aborted tree still there: %v", err)
	}
	p.Abort() // twice is harmless
}

func testCommit(t *testing.T, s snapshot.Snapshotter) {
	p, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(p.Dir(), "base"), []byte("base"), 0o644)
	want := snapshot.Info{ChainID: chain("base"), DiffID: chain("diff"), Size: 4}
	got, err := p.Commit(want)
	if err != nil {
		t.Fatal(err)
	}
	if got.Created.IsZero() || time.Since(got.Created) > time.Hour {
		t.Errorf("Created = %v, want now", got.Created)
	}
	want.Created = got.Created
	if !got.Created.Equal(want.Created) || got.ChainID != want.ChainID || got.DiffID != want.DiffID || got.Size != want.Size || got.Parent != "" {
		t.Errorf("Commit returned %+v, want %+v", got, want)
	}
	if _, err := os.Stat(p.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pending directory left after Commit: %v", err)
	}
	stat, err := s.Stat(want.ChainID)
	if err != nil || stat.ChainID != want.ChainID || stat.DiffID != want.DiffID || stat.Size != want.Size || !stat.Created.Equal(got.Created) {
		t.Errorf("Stat = %+v, %v; want %+v", stat, err, got)
	}
	dir, err := s.Dir(want.ChainID)
	if err != nil || !hasFile(dir, "base") {
		t.Errorf("Dir = %s, %v: the committed file is not there", dir, err)
	}
	if seen := walked(t, s); len(seen) != 1 || seen[want.ChainID].DiffID != want.DiffID {
		t.Errorf("Walk saw %+v", seen)
	}
	// A Created the caller gives is kept.
	p, _ = s.Begin()
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	if info, err := p.Commit(snapshot.Info{ChainID: chain("dated"), Created: at}); err != nil || !info.Created.Equal(at) {
		t.Errorf("Commit with Created: %+v, %v", info, err)
	}
}

func testLowers(t *testing.T, s snapshot.Snapshotter) {
	commit(t, s, "base", "")
	commit(t, s, "mid", chain("base"))
	top := commit(t, s, "top", chain("mid"))
	if top.Parent != chain("mid") {
		t.Errorf("Parent = %s", top.Parent)
	}
	lowers, err := s.Lowers(chain("top"))
	if err != nil {
		t.Fatal(err)
	}
	if len(lowers) != 3 || !hasFile(lowers[0], "top") || !hasFile(lowers[1], "mid") || !hasFile(lowers[2], "base") {
		t.Fatalf("Lowers(top) = %v, want top, mid, base", lowers)
	}
	if dir, _ := s.Dir(chain("top")); dir != lowers[0] {
		t.Errorf("Dir(top) = %s, Lowers(top)[0] = %s", dir, lowers[0])
	}
	if hasFile(lowers[0], "base") {
		t.Error("a tree holds its parent's files: trees must hold their own layer only")
	}
	if l, err := s.Lowers(chain("base")); err != nil || len(l) != 1 || l[0] != lowers[2] {
		t.Errorf("Lowers(base) = %v, %v", l, err)
	}
}

func testNeedsParent(t *testing.T, s snapshot.Snapshotter) {
	p, err := s.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort()
	_, err = p.Commit(snapshot.Info{ChainID: chain("orphan"), Parent: chain("missing")})
	if !errdefs.IsNotFound(err) {
		t.Fatalf("Commit on a missing parent: %v, want not found", err)
	}
	if _, err := os.Stat(p.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed Commit left its directory: %v", err)
	}
	if _, err := s.Stat(chain("orphan")); !errdefs.IsNotFound(err) {
		t.Errorf("the orphan was committed: %v", err)
	}
}

func testSameChainID(t *testing.T, s snapshot.Snapshotter) {
	first := commit(t, s, "first", "")
	p, _ := s.Begin()
	os.WriteFile(filepath.Join(p.Dir(), "second"), []byte("second"), 0o644)
	got, err := p.Commit(snapshot.Info{ChainID: chain("first"), DiffID: chain("other"), Size: 99})
	if err != nil {
		t.Fatal(err)
	}
	if got.DiffID != first.DiffID || got.Size != first.Size {
		t.Errorf("second Commit returned %+v, want the first's info %+v", got, first)
	}
	dir, _ := s.Dir(chain("first"))
	if !hasFile(dir, "first") || hasFile(dir, "second") {
		t.Error("the first tree was replaced")
	}
	if _, err := os.Stat(p.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dropped tree is left behind: %v", err)
	}
}

func testConcurrentCommits(t *testing.T, s snapshot.Snapshotter) {
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			p, err := s.Begin()
			if err != nil {
				errs[i] = err
				return
			}
			defer p.Abort()
			os.WriteFile(filepath.Join(p.Dir(), "shared"), []byte("shared"), 0o644)
			_, errs[i] = p.Commit(snapshot.Info{ChainID: chain("shared"), Size: int64(i)})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("commit %d: %v", i, err)
		}
	}
	if seen := walked(t, s); len(seen) != 1 {
		t.Errorf("Walk saw %d trees, want 1", len(seen))
	}
	if dir, err := s.Dir(chain("shared")); err != nil || !hasFile(dir, "shared") {
		t.Errorf("the kept tree: %s, %v", dir, err)
	}
}

func testAbortAfterCommit(t *testing.T, s snapshot.Snapshotter) {
	p, _ := s.Begin()
	os.WriteFile(filepath.Join(p.Dir(), "kept"), []byte("kept"), 0o644)
	if _, err := p.Commit(snapshot.Info{ChainID: chain("kept")}); err != nil {
		t.Fatal(err)
	}
	p.Abort()
	if dir, err := s.Dir(chain("kept")); err != nil || !hasFile(dir, "kept") {
		t.Errorf("Abort after Commit damaged the tree: %s, %v", dir, err)
	}
}

func testNotFound(t *testing.T, s snapshot.Snapshotter) {
	missing := chain("missing")
	if _, err := s.Stat(missing); !errdefs.IsNotFound(err) {
		t.Errorf("Stat: %v", err)
	}
	if _, err := s.Dir(missing); !errdefs.IsNotFound(err) {
		t.Errorf("Dir: %v", err)
	}
	if _, err := s.Lowers(missing); !errdefs.IsNotFound(err) {
		t.Errorf("Lowers: %v", err)
	}
}

func testInvalidChainID(t *testing.T, s snapshot.Snapshotter) {
	for _, bad := range []digest.Digest{"nope", "sha256:../../etc", "sha256:" + digest.Digest(fmt.Sprintf("%063d", 0))} {
		if _, err := s.Stat(bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("Stat(%q): %v", bad, err)
		}
		if _, err := s.Dir(bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("Dir(%q): %v", bad, err)
		}
		if _, err := s.Lowers(bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("Lowers(%q): %v", bad, err)
		}
		if err := s.Remove(bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("Remove(%q): %v", bad, err)
		}
		p, _ := s.Begin()
		if _, err := p.Commit(snapshot.Info{ChainID: bad}); !errdefs.IsInvalidArgument(err) {
			t.Errorf("Commit(%q): %v", bad, err)
		}
	}
}

func testWalkError(t *testing.T, s snapshot.Snapshotter) {
	commit(t, s, "a", "")
	commit(t, s, "b", "")
	stop := errors.New("stop")
	calls := 0
	err := s.Walk(func(snapshot.Info) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Walk returned %v after %d calls, want fn's error after 1", err, calls)
	}
}

func testRemove(t *testing.T, s snapshot.Snapshotter) {
	commit(t, s, "base", "")
	commit(t, s, "top", chain("base"))
	if err := s.Remove(chain("base")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(chain("base")); !errdefs.IsNotFound(err) {
		t.Errorf("Stat after Remove: %v", err)
	}
	if seen := walked(t, s); len(seen) != 1 || seen[chain("top")].ChainID == "" {
		t.Errorf("Walk after Remove saw %v", seen)
	}
	// The caller decides what is needed; a tree whose parent is gone has
	// no lowers.
	if _, err := s.Lowers(chain("top")); !errdefs.IsNotFound(err) {
		t.Errorf("Lowers of a tree whose parent was removed: %v", err)
	}
	if err := s.Remove(chain("base")); err != nil {
		t.Errorf("second Remove: %v", err)
	}
	if err := s.Remove(chain("never")); err != nil {
		t.Errorf("Remove of a tree that never existed: %v", err)
	}
}
