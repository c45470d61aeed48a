package images

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/check"
)

func problemsWith(ps []check.Problem, words string) int {
	n := 0
	for _, p := range ps {
		if strings.Contains(p.Problem, words) {
			n++
		}
	}
	return n
}

func TestCheckCleanStore(t *testing.T) {
	s := testService(t, fakeUsers{})
	importTar(t, s, "a", "a:1")
	ps, err := s.Check(context.Background(), false)
	if err != nil || len(ps) != 0 {
		t.Fatalf("a fresh import: %v %+v", err, ps)
	}
}

func TestCheckFindsAndCollectsGarbage(t *testing.T) {
	ctx := context.Background()
	s := testService(t, fakeUsers{})
	importTar(t, s, "kept", "kept:1")
	orphan := importTar(t, s, "orphan", "")
	if err := s.images.Delete(orphan); err != nil {
		t.Fatal(err)
	}
	ps, err := s.Check(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if problemsWith(ps, "blob of") != 2 || problemsWith(ps, "layer tree that no image") != 1 || len(ps) != 3 {
		t.Fatalf("want the orphan's config, layer tar and tree: %+v", ps)
	}
	if blobs, layers := blobsAndLayers(t, s); blobs != 4 || layers != 2 {
		t.Fatalf("a check without repair removed something: %d blobs %d trees", blobs, layers)
	}
	ps, err = s.Check(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if !p.Repaired {
			t.Fatalf("not repaired: %v", p)
		}
	}
	if ps, _ := s.Check(ctx, false); len(ps) != 0 {
		t.Fatalf("after repair: %+v", ps)
	}
	if _, err := s.ImageInspect(ctx, "kept:1", backend.ImageInspectOptions{}); err != nil {
		t.Fatalf("repair broke the kept image: %v", err)
	}
}

func TestCheckFindsIncompleteImages(t *testing.T) {
	ctx := context.Background()
	s := testService(t, fakeUsers{})
	id := importTar(t, s, "x", "x:1")
	rec, err := s.images.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(s.buildDir)
	// A config blob whose bytes changed, a missing layer tar, a missing tree.
	if err := os.WriteFile(filepath.Join(root, "content/blobs/sha256", id.Encoded()), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.content.Delete(rec.DiffIDs[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.snapshots.Remove(rec.TopChainID()); err != nil {
		t.Fatal(err)
	}
	ps, err := s.Check(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if problemsWith(ps, "is corrupt") != 1 || problemsWith(ps, "is missing") != 2 || len(ps) != 3 {
		t.Fatalf("want corrupt config, missing layer blob and tree: %+v", ps)
	}
	for _, p := range ps {
		if p.Repaired || p.Subject != id.String() {
			t.Fatalf("an incomplete image is reported against it, never 'repaired': %v", p)
		}
	}
}

func TestCheckBuildLeftovers(t *testing.T) {
	s := testService(t, fakeUsers{})
	left := filepath.Join(s.buildDir, "tmp", "context-1")
	if err := os.MkdirAll(left, 0o700); err != nil {
		t.Fatal(err)
	}
	s.building.RLock() // a build runs: its scratch is not a leftover
	ps, _ := s.Check(context.Background(), true)
	s.building.RUnlock()
	if len(ps) != 0 {
		t.Fatalf("a running build's scratch reported: %+v", ps)
	}
	ps, _ = s.Check(context.Background(), true)
	if len(ps) != 1 || !ps[0].Repaired {
		t.Fatalf("leftover: %+v", ps)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Fatal("leftover still there")
	}
}
