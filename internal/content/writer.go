package content

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

// Writer streams one blob into the store. Nothing is visible under the
// blob's name until Commit succeeds.
type Writer struct {
	s        *Store
	f        *os.File
	digester digest.Digester
	size     int64
	done     bool
}

// Writer starts a new blob.
func (s *Store) Writer() (*Writer, error) {
	f, err := os.CreateTemp(s.ingestDir(), "blob-")
	if err != nil {
		return nil, err
	}
	return &Writer{s: s, f: f, digester: digest.SHA256.Digester()}, nil
}

func (w *Writer) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.digester.Hash().Write(p[:n])
	w.size += int64(n)
	return n, err
}

// Digest is the digest of what was written so far.
func (w *Writer) Digest() digest.Digest { return w.digester.Digest() }

// Size is the number of bytes written so far.
func (w *Writer) Size() int64 { return w.size }

// Commit makes the blob visible under its digest. When expected is set and
// differs from what was written, nothing is stored and the error says so.
// Committing a blob that already exists is not an error.
func (w *Writer) Commit(expected digest.Digest) (digest.Digest, error) {
	if w.done {
		return "", errors.New("content writer already closed")
	}
	w.done = true
	got := w.Digest()
	defer os.Remove(w.f.Name())
	if expected != "" && expected != got {
		w.f.Close()
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("digest mismatch: expected %s, got %s", expected, got))
	}
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		return "", err
	}
	if err := w.f.Close(); err != nil {
		return "", err
	}
	target, err := w.s.path(got)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(target); err == nil {
		return got, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err := os.Chmod(w.f.Name(), 0o444); err != nil {
		return "", err
	}
	if err := os.Rename(w.f.Name(), target); err != nil {
		return "", err
	}
	return got, syncDir(target)
}

// Discard drops an uncommitted blob. It is safe to call after Commit.
func (w *Writer) Discard() {
	if w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
}

// syncDir makes a rename durable by syncing the directory that holds name.
func syncDir(name string) error {
	d, err := os.Open(filepath.Dir(name))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// readerWithContext stops a long copy once ctx is cancelled.
func readerWithContext(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }
