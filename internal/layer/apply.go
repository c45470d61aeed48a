// Package layer unpacks image layer tarballs into overlayfs layer directories: one directory
// per layer, holding only what that layer adds or changes, with deletions written in the form
// overlayfs reads from a lowerdir (whiteout devices and opaque directories).
//
// The archive is untrusted: nothing it says can make Apply write outside the layer directory,
// and nothing from the tree is ever executed.
package layer

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/containerd/errdefs"
	"golang.org/x/sys/unix"
)

// Apply unpacks the uncompressed layer tar read from r into dir (an existing, empty directory
// that will hold this one layer only) and returns the apparent size of the unpacked files (sum of
// regular file sizes; hardlinked content counted once). Whiteouts are converted to overlayfs form:
// ".wh.NAME" becomes a 0/0 character device NAME; ".wh..wh..opq" marks its directory opaque with
// the xattr trusted.overlay.opaque=y. Errors for malformed/unsafe input wrap
// errdefs.ErrInvalidArgument and say what was wrong.
//
// On error dir holds a partial layer, which the caller removes.
// The tar is read once, as a stream. When the archive ends, the rest of r is drained so that a
// caller hashing the stream as it goes sees every byte.
func Apply(ctx context.Context, dir string, r io.Reader) (int64, error) {
	t, err := openTree(dir)
	if err != nil {
		return 0, err
	}
	defer t.close()
	x := &extractor{tree: t, dirTimes: map[string]*tar.Header{}}
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, errdefs.ErrInvalidArgument.WithMessage("reading layer tar: " + err.Error())
		}
		if err := x.entry(hdr, tr); err != nil {
			return 0, err
		}
	}
	if err := x.finishDirs(); err != nil {
		return 0, err
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return 0, errdefs.ErrInvalidArgument.WithMessage("reading past the end of the layer tar: " + err.Error())
	}
	return x.size, nil
}

// extractor holds the state of one Apply call.
type extractor struct {
	tree *tree
	size int64
	// Directory times are set last: creating entries inside a directory changes its mtime.
	dirTimes map[string]*tar.Header
}

func (x *extractor) entry(hdr *tar.Header, data io.Reader) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil
	}
	rel, err := cleanName(hdr.Name)
	if err != nil {
		return err
	}
	parentRel, base := path.Split(rel)
	parentRel = path.Clean(parentRel)
	if isAufsMeta(parentRel) {
		return nil
	}
	if strings.HasPrefix(base, whiteoutPrefix) {
		return x.whiteout(parentRel, base)
	}
	if rel == "." {
		// The root is given, not created: only its metadata can come from the archive.
		if hdr.Typeflag != tar.TypeDir {
			return invalidf("entry %q: the layer root must be a directory", hdr.Name)
		}
		x.dirTimes["."] = hdr
		if err := setMeta(x.tree.root, ".", hdr); err != nil {
			return pathErr(rel, "setting metadata", err)
		}
		return nil
	}
	parent, err := x.tree.dir(parentRel)
	if err != nil {
		return fmt.Errorf("entry %q: %w", rel, err)
	}
	merge, err := x.clear(parent, rel, base, hdr.Typeflag == tar.TypeDir)
	if err != nil {
		return err
	}
	pfd := int(parent.Fd())
	switch hdr.Typeflag {
	case tar.TypeDir:
		if !merge {
			err = unix.Mkdirat(pfd, base, 0o755)
		}
		x.dirTimes[rel] = hdr
	case tar.TypeReg, tar.TypeGNUSparse:
		if err := x.writeFile(parent, rel, base, data); err != nil {
			return err // already says whether the archive or the disk failed
		}
		x.size += hdr.Size
	case tar.TypeSymlink:
		err = unix.Symlinkat(hdr.Linkname, pfd, base)
	case tar.TypeLink:
		// The inode already carries the metadata of the entry that made it.
		return x.hardlink(parent, rel, base, hdr.Linkname)
	default:
		var special bool
		if special, err = mknod(pfd, base, hdr); !special {
			return invalidf("entry %q: unsupported tar entry type %q", hdr.Name, hdr.Typeflag)
		}
	}
	if err != nil {
		return pathErr(rel, "creating", err)
	}
	if err := setMeta(parent, base, hdr); err != nil {
		return pathErr(rel, "setting metadata", err)
	}
	return nil
}

// clear makes room for a new entry at base. It reports whether an existing directory is kept
// because the new entry is a directory too (the two merge); anything else is removed.
func (x *extractor) clear(parent *os.File, rel, base string, dir bool) (merge bool, err error) {
	var st unix.Stat_t
	err = unix.Fstatat(int(parent.Fd()), base, &st, unix.AT_SYMLINK_NOFOLLOW)
	if err == unix.ENOENT {
		return false, nil
	}
	if err != nil {
		return false, pathErr(rel, "inspecting existing path", err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		if dir {
			return true, nil
		}
		delete(x.dirTimes, rel)
		if err := x.tree.removeAll(parent, base); err != nil {
			return false, pathErr(rel, "replacing directory", err)
		}
		return false, nil
	}
	if st.Mode&unix.S_IFMT == unix.S_IFREG && st.Nlink == 1 {
		x.size -= st.Size // its content is gone from the layer
	}
	if err := unix.Unlinkat(int(parent.Fd()), base, 0); err != nil {
		return false, pathErr(rel, "replacing existing path", err)
	}
	return false, nil
}

func devNumber(hdr *tar.Header) int {
	return int(unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor)))
}

// finishDirs sets directory times now that nothing more is written into them. A directory
// that has since disappeared (replaced, or under a replaced directory) is skipped.
func (x *extractor) finishDirs() error {
	for rel, hdr := range x.dirTimes {
		parentRel, base := path.Split(rel)
		if rel == "." {
			base = "."
		}
		parent, err := x.tree.lookup(path.Clean(parentRel))
		if err == nil {
			err = setTimes(parent, base, hdr)
			parent.Close()
		}
		if err != nil && !isGone(err) {
			return pathErr(rel, "setting directory times", err)
		}
	}
	return nil
}
