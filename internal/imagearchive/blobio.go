package imagearchive

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

// epoch is the mtime of every entry Write makes, so that output is reproducible.
var epoch = time.Unix(0, 0)

func fileHeader(name string, size int64) *tar.Header {
	return &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644, ModTime: epoch}
}

func dirHeader(name string) *tar.Header {
	return &tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: epoch}
}

// readSmall reads a blob that belongs in memory (a config) and checks its digest.
func (aw *archiveWriter) readSmall(ctx context.Context, d digest.Digest) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, invalidf("digest %q: %v", d, err)
	}
	rc, err := aw.p.Open(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("opening blob %s: %w", d, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxMetadata+1))
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", d, err)
	}
	if len(data) > maxMetadata {
		return nil, invalidf("config %s is larger than %d bytes", d, maxMetadata)
	}
	if got := d.Algorithm().FromBytes(data); got != d {
		return nil, errdefs.ErrDataLoss.WithMessage(fmt.Sprintf("blob %s has content digest %s", d, got))
	}
	return data, nil
}

// blob streams a stored blob into the archive unless it is already there, checking its digest
// on the way, and returns its size.
func (aw *archiveWriter) blob(ctx context.Context, d digest.Digest) (int64, error) {
	if size, ok := aw.written[d]; ok {
		return size, nil
	}
	if err := d.Validate(); err != nil {
		return 0, invalidf("digest %q: %v", d, err)
	}
	rc, err := aw.p.Open(ctx, d)
	if err != nil {
		return 0, fmt.Errorf("opening blob %s: %w", d, err)
	}
	defer rc.Close()
	src, size, done, err := sized(rc)
	if err != nil {
		return 0, fmt.Errorf("reading blob %s: %w", d, err)
	}
	defer done()

	if err := aw.tw.WriteHeader(fileHeader(blobPath(d), size)); err != nil {
		return 0, err
	}
	verifier := d.Verifier()
	n, err := io.Copy(aw.tw, io.TeeReader(&ctxReader{ctx: ctx, r: src}, verifier))
	if err != nil {
		return 0, fmt.Errorf("copying blob %s: %w", d, err)
	}
	if n != size || !verifier.Verified() {
		return 0, errdefs.ErrDataLoss.WithMessage(fmt.Sprintf("blob %s: content does not match its digest", d))
	}
	aw.written[d] = size
	return size, nil
}

// sized returns a reader for the blob together with its size, which a tar header needs before
// the content. Readers that know their size are used as they are; others are spooled to a
// temporary file. done removes that file.
func sized(rc io.Reader) (io.Reader, int64, func(), error) {
	switch v := rc.(type) {
	case interface{ Size() int64 }:
		return rc, v.Size(), func() {}, nil
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return rc, fi.Size(), func() {}, nil
		}
	}
	f, err := os.CreateTemp("", "berth-imagearchive-")
	if err != nil {
		return nil, 0, nil, err
	}
	done := func() {
		f.Close()
		os.Remove(f.Name())
	}
	n, err := io.Copy(f, rc)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		done()
		return nil, 0, nil, err
	}
	return f, n, done, nil
}

// ctxReader stops a long copy once the context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
