package image

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
	bolt "go.etcd.io/bbolt"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "m.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := NewStore(db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustRef(t *testing.T, s string) reference.Named {
	ref, err := ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return reference.TagNameOnly(ref)
}

func TestResolveByNameIDAndPrefix(t *testing.T) {
	s := newStore(t)
	id := digest.FromString("config-a")
	if _, err := s.Put(Record{ID: id}, []reference.Named{mustRef(t, "busybox")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"busybox", "busybox:latest", "docker.io/library/busybox:latest", id.String(), id.Encoded(), id.Encoded()[:12]} {
		rec, _, err := s.Resolve(name)
		if err != nil || rec.ID != id {
			t.Errorf("Resolve(%q) = %v, %v", name, rec.ID, err)
		}
	}
	_, _, err := s.Resolve("nothere")
	if !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), "No such image: nothere:latest") {
		t.Errorf("want Docker's not found words, got %v", err)
	}
	_, _, err = s.Resolve("Bad:Name:x")
	if !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "invalid reference format") {
		t.Errorf("want invalid reference format, got %v", err)
	}
}

func TestPutMovesTagsAndDeleteRemovesRefs(t *testing.T) {
	s := newStore(t)
	a, b := digest.FromString("a"), digest.FromString("b")
	ref := mustRef(t, "app:1")
	s.Put(Record{ID: a}, []reference.Named{ref})
	moved, err := s.Put(Record{ID: b}, []reference.Named{ref})
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 1 || moved[0].From != a {
		t.Fatalf("moved = %v", moved)
	}
	refs, _ := s.Refs()
	if len(refs[a]) != 0 || len(refs[b]) != 1 {
		t.Fatalf("refs after move: %v", refs)
	}
	if err := s.Delete(b); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lookup(ref); !errdefs.IsNotFound(err) {
		t.Fatalf("ref survived its image: %v", err)
	}
}

func TestAmbiguousPrefix(t *testing.T) {
	s := newStore(t)
	var ids []digest.Digest
	for i := 0; len(ids) < 2; i++ {
		d := digest.FromString(strings.Repeat("x", i))
		if len(ids) == 0 || d.Encoded()[0] == ids[0].Encoded()[0] {
			ids = append(ids, d)
			s.Put(Record{ID: d}, nil)
		}
	}
	_, _, err := s.Resolve(ids[0].Encoded()[:1])
	if !errdefs.IsInvalidArgument(err) {
		t.Fatalf("want ambiguity error, got %v", err)
	}
}

func TestChainIDs(t *testing.T) {
	a, b := digest.FromString("a"), digest.FromString("b")
	got := ChainIDs([]digest.Digest{a, b})
	want := digest.FromString(a.String() + " " + b.String())
	if got[0] != a || got[1] != want {
		t.Fatalf("chain IDs %v", got)
	}
}
