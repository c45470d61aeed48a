package content

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

func TestIngestOpenDelete(t *testing.T) {
	ctx := context.Background()
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("hello blob")
	d, n, err := s.Ingest(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if d != digest.FromBytes(data) || n != int64(len(data)) {
		t.Fatalf("got %s %d", d, n)
	}
	got, err := s.ReadBlob(ctx, d)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %q, %v", got, err)
	}
	var seen []digest.Digest
	if err := s.Walk(func(d digest.Digest, _ int64) error { seen = append(seen, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != d {
		t.Fatalf("walk saw %v", seen)
	}
	if err := s.Delete(d); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, d); !errdefs.IsNotFound(err) {
		t.Fatalf("want not found after delete, got %v", err)
	}
}

func TestCommitRefusesWrongDigest(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Writer()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "actual")
	if _, err := w.Commit(digest.FromString("claimed")); !errdefs.IsInvalidArgument(err) {
		t.Fatalf("want invalid argument, got %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "blobs", "sha256"))
	leftovers, _ := os.ReadDir(filepath.Join(root, "ingest"))
	if len(entries)+len(leftovers) != 0 {
		t.Fatalf("a refused blob left files: %v %v", entries, leftovers)
	}
}

func TestNewClearsInterruptedWrites(t *testing.T) {
	root := t.TempDir()
	s, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := s.Writer()
	io.WriteString(w, "half")
	// the process "dies" here: no Commit, no Discard
	if _, err := New(root); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(filepath.Join(root, "ingest"))
	if len(left) != 0 {
		t.Fatalf("ingest not cleared: %v", left)
	}
}
