package layer

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/containerd/errdefs"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// invalidf builds an error of class errdefs.ErrInvalidArgument: the archive, not the host, is at fault.
func invalidf(format string, args ...any) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(format, args...))
}

// cleanName turns a tar name into a clean path relative to the layer root ("." is the root).
// A leading "/" is dropped, as tar itself does; a name that climbs above the root with ".." is
// refused rather than silently clamped, because such an archive was built to attack.
func cleanName(name string) (string, error) {
	if name == "" {
		return "", invalidf("empty entry name")
	}
	if strings.IndexByte(name, 0) >= 0 {
		return "", invalidf("entry name %q contains a NUL byte", name)
	}
	rel := path.Clean(strings.TrimLeft(name, "/"))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", invalidf("entry %q: path escapes the layer directory", name)
	}
	return rel, nil
}

// tree is the layer directory being filled. Every path is resolved from an open handle on its
// root with pathrs (openat2 RESOLVE_IN_ROOT or a userspace equivalent), so a symlink made by an
// earlier entry is followed as if the root were "/" and never leads out of it. Operations on the
// final component then use *at syscalls against the resolved parent, without following it.
type tree struct {
	root *os.File
	// The last parent handle is kept because consecutive entries usually share a directory.
	// It is dropped whenever a directory is removed, the only way a cached handle could go stale.
	lastRel string
	last    *os.File
}

func openTree(dir string) (*tree, error) {
	root, err := os.OpenFile(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("opening layer directory: %w", err)
	}
	return &tree{root: root}, nil
}

func (t *tree) close() {
	t.forget()
	t.root.Close()
}

func (t *tree) forget() {
	if t.last != nil {
		t.last.Close()
		t.last = nil
	}
}

// dir returns a handle on the directory rel, creating missing components with mode 0755.
// The handle is owned by the tree; callers must not close it.
func (t *tree) dir(rel string) (*os.File, error) {
	if rel == "." {
		return t.root, nil
	}
	if t.last != nil && t.lastRel == rel {
		return t.last, nil
	}
	f, err := pathrs.MkdirAllHandle(t.root, rel, 0o755)
	if err != nil {
		return nil, classify(fmt.Errorf("directory %q: %w", rel, err))
	}
	t.forget()
	t.lastRel, t.last = rel, f
	return f, nil
}

// lookup opens the existing directory rel without creating anything; the caller closes it.
func (t *tree) lookup(rel string) (*os.File, error) {
	f, err := pathrs.OpenatInRoot(t.root, rel)
	if err != nil {
		return nil, classify(fmt.Errorf("directory %q: %w", rel, err))
	}
	return f, nil
}

// removeAll deletes name (a directory tree) under parent. os.Root refuses to follow symlinks
// out of parent, so a crafted tree cannot redirect the deletion to the host.
func (t *tree) removeAll(parent *os.File, name string) error {
	r, err := os.OpenRoot(fdPath(parent, "."))
	if err != nil {
		return err
	}
	defer r.Close()
	t.forget()
	return r.RemoveAll(name)
}

// fdPath names name inside the directory open as f through /proc, for syscalls with no *at form
// (lsetxattr). The final component is not followed by the l* calls that use it.
func fdPath(f *os.File, name string) string {
	return fmt.Sprintf("/proc/self/fd/%d/%s", f.Fd(), name)
}

// inputErrnos are failures caused by the shape of the archive (a file where a directory is
// needed, a link to nothing, a symlink loop) rather than by the host.
var inputErrnos = []error{unix.ENOTDIR, unix.EISDIR, unix.ENOENT, unix.ELOOP, unix.EXDEV,
	unix.EEXIST, unix.ENAMETOOLONG, unix.EINVAL}

// pathErr describes a failed operation on an entry, classed as invalid argument when the archive
// caused it.
func pathErr(name, op string, err error) error {
	return classify(fmt.Errorf("entry %q: %s: %w", name, op, err))
}

// classify marks err as invalid argument when its errno says the archive caused it.
func classify(err error) error {
	for _, e := range inputErrnos {
		if errors.Is(err, e) {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
	}
	return err
}
