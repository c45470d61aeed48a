// Package content stores immutable blobs (image configs, layer tarballs,
// manifests) addressed by their sha256 digest.
//
// A blob is written to the ingest directory first, hashed as it streams in,
// fsynced, and only then renamed to blobs/sha256/<hex>. A blob under that name
// is therefore always complete and verified; anything left in ingest after a
// crash is garbage and is removed when the store is opened.
package content

import (
	"context"
	_ "crypto/sha256" // go-digest needs the hash registered
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

// Store is a directory of blobs by digest. It is safe for concurrent use;
// deciding when a blob may be deleted is the caller's business.
type Store struct {
	root string
}

// New opens (creating if needed) the store at root and clears leftovers of
// interrupted writes. Only one process may use a root at a time.
func New(root string) (*Store, error) {
	s := &Store{root: root}
	if err := os.RemoveAll(s.ingestDir()); err != nil {
		return nil, fmt.Errorf("clearing interrupted writes: %w", err)
	}
	for _, d := range []string{s.ingestDir(), filepath.Join(root, "blobs", "sha256")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) ingestDir() string { return filepath.Join(s.root, "ingest") }

func (s *Store) path(d digest.Digest) (string, error) {
	if err := d.Validate(); err != nil {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid digest %q", d))
	}
	if d.Algorithm() != digest.SHA256 {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unsupported digest algorithm %s", d.Algorithm()))
	}
	return filepath.Join(s.root, "blobs", "sha256", d.Encoded()), nil
}

// Ingest copies r into the store and returns the blob's digest and size.
func (s *Store) Ingest(ctx context.Context, r io.Reader) (digest.Digest, int64, error) {
	w, err := s.Writer()
	if err != nil {
		return "", 0, err
	}
	defer w.Discard()
	if _, err := io.Copy(w, readerWithContext(ctx, r)); err != nil {
		return "", 0, err
	}
	d, err := w.Commit("")
	return d, w.Size(), err
}

// Open returns the blob's content.
func (s *Store) Open(ctx context.Context, d digest.Digest) (io.ReadCloser, error) {
	p, err := s.path(d)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("blob %s", d))
	}
	return f, err
}

// ReadBlob returns a small blob whole, such as a config or a manifest.
func (s *Store) ReadBlob(ctx context.Context, d digest.Digest) ([]byte, error) {
	rc, err := s.Open(ctx, d)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// Size returns the size of a stored blob.
func (s *Store) Size(d digest.Digest) (int64, error) {
	p, err := s.path(d)
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("blob %s", d))
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// Delete removes a blob; a missing blob is not an error.
func (s *Store) Delete(d digest.Digest) error {
	p, err := s.path(d)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Walk calls fn for every stored blob.
func (s *Store) Walk(fn func(d digest.Digest, size int64) error) error {
	dir := filepath.Join(s.root, "blobs", "sha256")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		d := digest.NewDigestFromEncoded(digest.SHA256, e.Name())
		if d.Validate() != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if err := fn(d, info.Size()); err != nil {
			return err
		}
	}
	return nil
}
