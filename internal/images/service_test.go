package images

import (
	"archive/tar"
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/content"
	"github.com/berth/berth/internal/events"
	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/snapshot"
	"github.com/opencontainers/go-digest"
	bolt "go.etcd.io/bbolt"
)

// fakeUsers says which containers use which image, as the daemon would.
type fakeUsers map[digest.Digest]struct{ running, stopped []string }

func (f fakeUsers) ImageUsers(ctx context.Context, id digest.Digest) ([]string, []string, error) {
	u := f[id]
	return u.running, u.stopped, nil
}

// testService is a Service on real stores in a temporary directory, with
// no containers but those users names.
func testService(t *testing.T, users fakeUsers) *Service {
	t.Helper()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "metadata.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	imgs, err := image.NewStore(db)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := content.New(filepath.Join(dir, "content"))
	if err != nil {
		t.Fatal(err)
	}
	snaps, err := snapshot.New(filepath.Join(dir, "layers"))
	if err != nil {
		t.Fatal(err)
	}
	bus := events.New()
	t.Cleanup(bus.Close)
	return New(Config{
		Content: cs, Snapshots: snaps, Images: imgs, Events: bus, DB: db,
		BuildDir: filepath.Join(dir, "builder"), Users: users,
	})
}

// importTar imports a one-file root filesystem (its content makes the
// image unique) under repo, which may be empty.
func importTar(t *testing.T, s *Service, file, repo string) digest.Digest {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: file, Mode: 0o644, Size: int64(len(file)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(file))
	tw.Close()
	id, err := s.ImportImage(context.Background(), &buf, backend.ImportOptions{Repo: repo, Message: file})
	if err != nil {
		t.Fatalf("import %s: %v", file, err)
	}
	return digest.Digest(id)
}

// blobsAndLayers counts what the content store and snapshotter hold.
func blobsAndLayers(t *testing.T, s *Service) (blobs, layers int) {
	t.Helper()
	if err := s.content.Walk(func(digest.Digest, int64) error { blobs++; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.snapshots.Walk(func(snapshot.Info) error { layers++; return nil }); err != nil {
		t.Fatal(err)
	}
	return blobs, layers
}
