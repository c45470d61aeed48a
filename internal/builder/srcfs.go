package builder

import (
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	securejoin "github.com/cyphar/filepath-securejoin"
)

// srcFS is a tree COPY and ADD read from: the build context (kept in one
// spool file, see context.go) or an image's files on disk (--from). Paths
// are slash-separated, relative to the tree's root, "" for the root.
type srcFS interface {
	// resolve follows every symlink in rel as if the root were "/", so
	// no link can lead outside the tree; the last component is followed
	// only when followLast is set. Missing components are kept as named.
	resolve(rel string, followLast bool) (string, error)
	lstat(rel string) (fs.FileInfo, error)
	// readDir lists the names in directory rel, sorted.
	readDir(rel string) ([]string, error)
	readlink(rel string) (string, error)
	open(rel string) (io.ReadCloser, error)
	// sum is rel's sha256 when the tree already knows it.
	sum(rel string) (string, bool)
}

// dirFS is a directory on this host.
type dirFS struct{ root string }

func (d dirFS) path(rel string) string { return filepath.Join(d.root, filepath.FromSlash(rel)) }

func (d dirFS) resolve(rel string, followLast bool) (string, error) {
	dir, base := path.Dir(rel), path.Base(rel)
	if followLast {
		dir, base = rel, ""
	}
	p, err := securejoin.SecureJoin(d.root, filepath.FromSlash(dir))
	if err != nil {
		return "", err
	}
	r, err := filepath.Rel(d.root, p)
	if err != nil {
		return "", err
	}
	out := path.Join(filepath.ToSlash(r), base)
	if out == "." {
		out = ""
	}
	return out, nil
}

func (d dirFS) lstat(rel string) (fs.FileInfo, error) { return os.Lstat(d.path(rel)) }

func (d dirFS) readDir(rel string) ([]string, error) {
	entries, err := os.ReadDir(d.path(rel))
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names, nil
}

func (d dirFS) readlink(rel string) (string, error) { return os.Readlink(d.path(rel)) }

func (d dirFS) open(rel string) (io.ReadCloser, error) { return os.Open(d.path(rel)) }

func (d dirFS) sum(string) (string, bool) { return "", false }

// walk calls fn for rel and, when it is a directory, everything below it
// in lexical order, without following symlinks.
func walk(t srcFS, rel string, fn func(rel string, fi fs.FileInfo) error) error {
	fi, err := t.lstat(rel)
	if err != nil {
		return err
	}
	if err := fn(rel, fi); err != nil || !fi.IsDir() {
		return err
	}
	names, err := t.readDir(rel)
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := walk(t, path.Join(rel, n), fn); err != nil {
			return err
		}
	}
	return nil
}
