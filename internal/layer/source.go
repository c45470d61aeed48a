package layer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/containerd/errdefs"
	securejoin "github.com/cyphar/filepath-securejoin"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// Source is a path of a container's filesystem, found for `docker cp`
// out of the container (or to stat a destination).
type Source struct {
	parent *os.File // handle (O_PATH) on the directory holding the entry
	base   string   // the entry in parent; "." when parent is the entry

	// Name is what docker cp calls the path: its last element ("." for a
	// path ending in "/.", "/" for the root). The archive's top entry has
	// this name.
	Name string
	Stat unix.Stat_t
	// LinkTarget is, for a symlink, where it leads inside the container:
	// every link on the way resolved with the container's root as "/".
	LinkTarget string
}

// OpenSource finds p (absolute or relative to "/") inside root with
// docker cp's rules: the last element is not followed, so a symlink is
// copied as a symlink, unless p ends in "/" or "/." which asks for the
// directory it leads to. Links on the way are resolved inside root, so p
// never names anything outside it. A missing path is errdefs.ErrNotFound.
func OpenSource(root, p string) (*Source, error) {
	rootF, err := os.OpenFile(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer rootF.Close()
	abs := path.Clean("/" + p)
	s := &Source{Name: path.Base(abs), base: path.Base(abs)}
	if path.Base(p) == "." {
		s.Name = "."
	}
	follow := strings.HasSuffix(p, "/") || path.Base(p) == "." || abs == "/"
	dir := path.Dir(abs)
	if follow {
		dir, s.base = abs, "."
	}
	if s.parent, err = pathrs.OpenatInRoot(rootF, dir); err != nil {
		return nil, sourceErr(p, err)
	}
	if err := unix.Fstatat(int(s.parent.Fd()), s.base, &s.Stat, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		s.Close()
		return nil, sourceErr(p, err)
	}
	isDir := s.Stat.Mode&unix.S_IFMT == unix.S_IFDIR
	if follow && !isDir {
		s.Close()
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%s: not a directory", p))
	}
	if s.Stat.Mode&unix.S_IFMT == unix.S_IFLNK {
		// SecureJoin also resolves a dangling link as far as it can.
		joined, err := securejoin.SecureJoin(root, abs)
		if err != nil {
			s.Close()
			return nil, err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(joined, path.Clean(root)), "/")
		s.LinkTarget = "/" + rel
	}
	return s, nil
}

func sourceErr(p string, err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("no such file or directory: %s", p))
	case errors.Is(err, unix.ENOTDIR):
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%s: not a directory", p))
	}
	return err
}

// IsDir reports whether the source is a directory.
func (s *Source) IsDir() bool { return s.Stat.Mode&unix.S_IFMT == unix.S_IFDIR }

// WriteTar archives the source, its top entry named s.Name, as the daemon
// sends it to docker cp.
func (s *Source) WriteTar(ctx context.Context, w io.Writer) error {
	return WriteTar(ctx, w, s.parent, s.base, s.Name)
}

// Close releases the handle.
func (s *Source) Close() error { return s.parent.Close() }

// FileMode converts a stat mode to Go's, as Docker's PathStat carries it.
func FileMode(mode uint32) os.FileMode {
	m := os.FileMode(mode & 0o777)
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		m |= os.ModeDir
	case unix.S_IFLNK:
		m |= os.ModeSymlink
	case unix.S_IFCHR:
		m |= os.ModeDevice | os.ModeCharDevice
	case unix.S_IFBLK:
		m |= os.ModeDevice
	case unix.S_IFIFO:
		m |= os.ModeNamedPipe
	case unix.S_IFSOCK:
		m |= os.ModeSocket
	}
	if mode&unix.S_ISUID != 0 {
		m |= os.ModeSetuid
	}
	if mode&unix.S_ISGID != 0 {
		m |= os.ModeSetgid
	}
	if mode&unix.S_ISVTX != 0 {
		m |= os.ModeSticky
	}
	return m
}
