package builder

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/containerd/errdefs"
	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// buildContext is the build context unpacked on disk, with the sha256 of
// every regular file computed as it streamed in, so the cache never reads
// a file twice.
type buildContext struct {
	dir    string
	hashes map[string]string // slash path relative to dir → hex sha256
}

// readTar decompresses r when it is gzip or bzip2 compressed.
func readTar(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		return gzip.NewReader(br)
	case bytes.HasPrefix(magic, []byte("BZh")):
		return bzip2.NewReader(br), nil
	}
	return br, nil
}

// unpackContext streams the context tar into a new directory under tmp.
// Files that .dockerignore (or <dockerfile>.dockerignore) excludes are
// dropped; the ignore file must therefore come first in the tar, as the
// docker CLI sends it, or it is applied after the fact.
func unpackContext(ctx context.Context, r io.Reader, tmp, dockerfile string) (*buildContext, error) {
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tmp, "context-")
	if err != nil {
		return nil, err
	}
	bc := &buildContext{dir: dir, hashes: map[string]string{}}
	if r == nil {
		return bc, nil
	}
	plain, err := readTar(r)
	if err != nil {
		return bc, errdefs.ErrInvalidArgument.WithMessage("reading build context: " + err.Error())
	}
	tr := tar.NewReader(plain)
	for {
		if err := ctx.Err(); err != nil {
			return bc, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return bc, errdefs.ErrInvalidArgument.WithMessage("reading build context: " + err.Error())
		}
		if err := bc.add(hdr, tr); err != nil {
			return bc, err
		}
	}
	return bc, bc.applyIgnore(dockerfile)
}

func (bc *buildContext) add(hdr *tar.Header, data io.Reader) error {
	rel := path.Clean("/" + hdr.Name)[1:]
	if rel == "" {
		return nil
	}
	target, err := securejoin.SecureJoin(bc.dir, rel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	mode := os.FileMode(hdr.Mode).Perm() | os.FileMode(hdr.Mode)&(os.ModeSetuid|os.ModeSetgid|os.ModeSticky)
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
	case tar.TypeReg:
		os.RemoveAll(target)
		f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(io.MultiWriter(f, h), data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("build context %s: %w", rel, err)
		}
		bc.hashes[rel] = hex.EncodeToString(h.Sum(nil))
	case tar.TypeSymlink:
		os.RemoveAll(target)
		if err := os.Symlink(hdr.Linkname, target); err != nil {
			return err
		}
		return nil
	case tar.TypeLink:
		src, err := securejoin.SecureJoin(bc.dir, path.Clean("/" + hdr.Linkname)[1:])
		if err != nil {
			return err
		}
		os.RemoveAll(target)
		if err := os.Link(src, target); err != nil {
			return err
		}
		bc.hashes[rel] = bc.hashes[path.Clean("/" + hdr.Linkname)[1:]]
		return nil
	default:
		return nil // devices and fifos have no place in a build context
	}
	if err := os.Chmod(target, mode); err != nil {
		return err
	}
	return os.Chtimes(target, hdr.ModTime, hdr.ModTime)
}

// applyIgnore removes what the context's ignore file excludes. The docker
// CLI already leaves those files out; other clients may not.
func (bc *buildContext) applyIgnore(dockerfile string) error {
	patterns, err := ignorePatterns(bc.dir, dockerfile)
	if err != nil || len(patterns) == 0 {
		return err
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("invalid .dockerignore: " + err.Error())
	}
	keep := map[string]bool{".dockerignore": true, filepath.ToSlash(dockerfile): true}
	return filepath.Walk(bc.dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == bc.dir {
			return err
		}
		rel, _ := filepath.Rel(bc.dir, p)
		rel = filepath.ToSlash(rel)
		if keep[rel] {
			return nil
		}
		skip, err := pm.MatchesOrParentMatches(rel)
		if err != nil || !skip {
			return err
		}
		if fi.IsDir() && !pm.Exclusions() {
			delete(bc.hashes, rel)
			if err := os.RemoveAll(p); err != nil {
				return err
			}
			return filepath.SkipDir
		}
		if fi.IsDir() {
			return nil // an exception may keep something inside
		}
		delete(bc.hashes, rel)
		return os.Remove(p)
	})
}

// ignorePatterns reads <dockerfile>.dockerignore, else .dockerignore.
func ignorePatterns(dir, dockerfile string) ([]string, error) {
	for _, name := range []string{dockerfile + ".dockerignore", ".dockerignore"} {
		f, err := os.Open(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return ignorefile.ReadAll(f)
	}
	return nil, nil
}

// readDockerfile reads the Dockerfile from the context.
func (bc *buildContext) readDockerfile(name string) ([]byte, error) {
	p, err := securejoin.SecureJoin(bc.dir, name)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Cannot locate specified Dockerfile: %s", name))
	}
	if strings.TrimSpace(string(data)) == "" && err == nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("the Dockerfile (%s) cannot be empty", name))
	}
	return data, err
}
