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
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// buildContext is the build context as it streamed in: the content of its
// regular files, one after the other, in a single spool file on disk, and
// in memory only an index of names, modes and the sha256 of each file,
// computed in the same pass. Writing thousands of small files to disk
// costs far more than hashing them, and a cached rebuild needs only the
// hashes; a COPY that misses the cache reads the spool.
type buildContext struct {
	dir   string // holds the spool file; removed when the build ends
	spool *os.File
	nodes map[string]*ctxNode // slash path relative to the root → node
	kids  map[string][]string // directory → sorted names in it
	// readOnly are the Dockerfile and .dockerignore when the ignore file
	// excludes them: read for the build, then dropped so no COPY sees them,
	// as Docker's builder does.
	readOnly []string
}

// ctxNode is one entry of the context.
type ctxNode struct {
	name  string
	mode  fs.FileMode
	size  int64
	off   int64 // where a regular file's content starts in the spool
	sum   string
	link  string
	mtime time.Time
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

// unpackContext streams the context tar into a spool file under tmp.
// Files that .dockerignore (or <dockerfile>.dockerignore) excludes are
// dropped from the index.
func unpackContext(ctx context.Context, r io.Reader, tmp, dockerfile string) (*buildContext, error) {
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tmp, "context-")
	if err != nil {
		return nil, err
	}
	bc := &buildContext{dir: dir, nodes: map[string]*ctxNode{"": {mode: fs.ModeDir | 0o755}}}
	if bc.spool, err = os.Create(dir + "/spool"); err != nil {
		return bc, err
	}
	if r != nil {
		if err := bc.read(ctx, r); err != nil {
			return bc, err
		}
	}
	if err := bc.applyIgnore(dockerfile); err != nil {
		return bc, err
	}
	bc.index()
	return bc, nil
}

// close removes the spool.
func (bc *buildContext) close() {
	if bc.spool != nil {
		bc.spool.Close()
	}
	os.RemoveAll(bc.dir)
}

func (bc *buildContext) read(ctx context.Context, r io.Reader) error {
	plain, err := readTar(r)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("reading build context: " + err.Error())
	}
	tr := tar.NewReader(plain)
	w := bufio.NewWriterSize(bc.spool, 1<<20)
	var off int64
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("reading build context: " + err.Error())
		}
		rel := path.Clean("/" + hdr.Name)[1:]
		if rel == "" {
			continue
		}
		n := &ctxNode{name: path.Base(rel), mode: hdr.FileInfo().Mode(), mtime: hdr.ModTime}
		switch hdr.Typeflag {
		case tar.TypeDir:
			n.mode |= fs.ModeDir
		case tar.TypeReg:
			h := sha256.New()
			size, err := io.CopyBuffer(io.MultiWriter(w, h), tr, buf)
			if err != nil {
				return fmt.Errorf("build context %s: %w", rel, err)
			}
			n.size, n.off, n.sum = size, off, hex.EncodeToString(h.Sum(nil))
			off += size
		case tar.TypeSymlink:
			n.link = hdr.Linkname
		case tar.TypeLink:
			src, ok := bc.nodes[path.Clean("/" + hdr.Linkname)[1:]]
			if !ok || !src.mode.IsRegular() {
				return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("build context %s: hard link to missing %s", rel, hdr.Linkname))
			}
			cp := *src
			cp.name = n.name
			n = &cp
		default:
			continue // devices and fifos have no place in a build context
		}
		bc.nodes[rel] = n
	}
	return w.Flush()
}

// applyIgnore drops what the context's ignore file excludes. The docker
// CLI already leaves those files out; other clients may not.
func (bc *buildContext) applyIgnore(dockerfile string) error {
	patterns, err := bc.ignorePatterns(dockerfile)
	if err != nil || len(patterns) == 0 {
		return err
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("invalid .dockerignore: " + err.Error())
	}
	keep := map[string]bool{"": true, ".dockerignore": true, path.Clean(dockerfile): true}
	for rel, n := range bc.nodes {
		skip, err := pm.MatchesOrParentMatches(rel)
		if err != nil {
			return err
		}
		if keep[rel] {
			if skip && rel != "" {
				bc.readOnly = append(bc.readOnly, rel)
			}
			continue
		}
		if skip && !(n.mode.IsDir() && pm.Exclusions()) { // an exception may keep something inside
			delete(bc.nodes, rel)
		}
	}
	return nil
}

// index lists each directory's entries, making the directories that the
// tar implied but did not name.
func (bc *buildContext) index() {
	bc.kids = map[string][]string{}
	todo := make([]string, 0, len(bc.nodes))
	for rel := range bc.nodes {
		todo = append(todo, rel)
	}
	for len(todo) > 0 {
		rel := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if rel == "" {
			continue
		}
		dir := parentOf(rel)
		if _, ok := bc.nodes[dir]; !ok {
			bc.nodes[dir] = &ctxNode{name: path.Base(dir), mode: fs.ModeDir | 0o755}
			todo = append(todo, dir)
		}
		bc.kids[dir] = append(bc.kids[dir], path.Base(rel))
	}
	for _, k := range bc.kids {
		sort.Strings(k)
	}
}

// parentOf is rel's directory, "" for the root.
func parentOf(rel string) string {
	if dir := path.Dir(rel); dir != "." {
		return dir
	}
	return ""
}

// ignorePatterns reads <dockerfile>.dockerignore, else .dockerignore.
func (bc *buildContext) ignorePatterns(dockerfile string) ([]string, error) {
	for _, name := range []string{dockerfile + ".dockerignore", ".dockerignore"} {
		n, ok := bc.nodes[path.Clean(name)]
		if !ok || !n.mode.IsRegular() {
			continue
		}
		return ignorefile.ReadAll(bc.section(n))
	}
	return nil, nil
}

func (bc *buildContext) section(n *ctxNode) *io.SectionReader {
	return io.NewSectionReader(bc.spool, n.off, n.size)
}

// readDockerfile reads the Dockerfile from the context.
func (bc *buildContext) readDockerfile(name string) ([]byte, error) {
	rel, err := bc.resolve(path.Clean("/" + name)[1:], true)
	if err != nil {
		return nil, err
	}
	n, ok := bc.nodes[rel]
	if !ok || !n.mode.IsRegular() {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Cannot locate specified Dockerfile: %s", name))
	}
	data, err := io.ReadAll(bc.section(n))
	if strings.TrimSpace(string(data)) == "" && err == nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("the Dockerfile (%s) cannot be empty", name))
	}
	return data, err
}

// dropReadOnly removes the files that were kept only to be read (see
// readOnly) once the build has read them.
func (bc *buildContext) dropReadOnly() {
	for _, rel := range bc.readOnly {
		delete(bc.nodes, rel)
		dir := parentOf(rel)
		bc.kids[dir] = slices.DeleteFunc(bc.kids[dir], func(n string) bool { return n == path.Base(rel) })
	}
	bc.readOnly = nil
}
