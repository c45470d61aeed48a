package layer

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/containerd/errdefs"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// ExtractOptions are the choices of `docker cp` into a container.
type ExtractOptions struct {
	// NoOverwriteDirNonDir refuses to replace a directory with something
	// else, or something else with a directory.
	NoOverwriteDirNonDir bool
	// Owner, when set, owns every extracted entry instead of the owner the
	// archive records (docker cp -a uses the container's user).
	Owner *Owner
}

// Owner is a numeric user and group.
type Owner struct{ UID, GID int }

// Extract unpacks the tar read from r into the directory dir of the tree
// root (a container's root filesystem), as `docker cp` does: names are
// taken relative to dir, and missing parent directories are made. Unlike
// Apply, ".wh." names are ordinary files and the archive's "." entry is
// skipped (dir keeps its own metadata).
//
// The tree is untrusted and may change while Extract runs: every path,
// dir included, is resolved as if root were "/", so a symlink in the tree
// or in the archive leads somewhere inside root, never out of it. A name
// that climbs above dir with ".." is refused.
func Extract(ctx context.Context, root, dir string, r io.Reader, opts ExtractOptions) error {
	t, err := openTree(root)
	if err != nil {
		return err
	}
	defer t.close()
	prefix := strings.TrimPrefix(path.Clean("/"+dir), "/")
	if prefix == "" {
		prefix = "."
	}
	if err := checkDir(t, prefix); err != nil {
		return err
	}
	x := &extractor{tree: t, dirTimes: map[string]*tar.Header{}}
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("reading tar: " + err.Error())
		}
		if err := x.copyEntry(prefix, hdr, tr, opts); err != nil {
			return err
		}
	}
	return x.finishDirs()
}

// checkDir makes sure the extraction point exists and is a directory (a
// link to one, resolved inside the root, will do).
func checkDir(t *tree, rel string) error {
	f, err := pathrs.OpenatInRoot(t.root, rel)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("extraction point %q does not exist", "/"+rel))
		}
		return classify(err)
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return errdefs.ErrInvalidArgument.WithMessage("extraction point is not a directory")
	}
	return nil
}

// copyEntry writes one entry of a copy: prefix is the target directory
// relative to the tree's root.
func (x *extractor) copyEntry(prefix string, hdr *tar.Header, data io.Reader, opts ExtractOptions) error {
	switch hdr.Typeflag {
	case tar.TypeXGlobalHeader, tar.TypeXHeader:
		return nil
	}
	rel, err := cleanName(hdr.Name)
	if err != nil {
		return err
	}
	if rel == "." {
		return nil
	}
	full := path.Join(prefix, rel)
	if opts.Owner != nil {
		hdr.Uid, hdr.Gid = opts.Owner.UID, opts.Owner.GID
	}
	for k := range hdr.PAXRecords {
		// overlayfs's bookkeeping is not the archive's to set.
		if strings.HasPrefix(k, paxXattr+"trusted.overlay.") {
			delete(hdr.PAXRecords, k)
		}
	}
	parentRel, base := path.Split(full)
	parentRel = path.Clean(parentRel)
	if parentRel == "" {
		parentRel = "."
	}
	parent, err := x.tree.dir(parentRel)
	if err != nil {
		return fmt.Errorf("entry %q: %w", rel, err)
	}
	isDir := hdr.Typeflag == tar.TypeDir
	if opts.NoOverwriteDirNonDir {
		var st unix.Stat_t
		if err := unix.Fstatat(int(parent.Fd()), base, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil {
			was := st.Mode&unix.S_IFMT == unix.S_IFDIR
			if was && !isDir {
				return invalidf("cannot overwrite directory %q with non-directory %q", "/"+full, hdr.Name)
			}
			if !was && isDir {
				return invalidf("cannot overwrite non-directory %q with directory %q", "/"+full, hdr.Name)
			}
		}
	}
	merge, err := x.clear(parent, full, base, isDir)
	if err != nil {
		return err
	}
	pfd := int(parent.Fd())
	switch hdr.Typeflag {
	case tar.TypeDir:
		if !merge {
			err = unix.Mkdirat(pfd, base, 0o755)
		}
		x.dirTimes[full] = hdr
	case tar.TypeReg, tar.TypeGNUSparse:
		if err := x.writeFile(parent, full, base, data); err != nil {
			return err
		}
	case tar.TypeSymlink:
		err = unix.Symlinkat(hdr.Linkname, pfd, base)
	case tar.TypeLink:
		// Link targets are named like entries: relative to the target dir.
		target, err := cleanName(hdr.Linkname)
		if err != nil || target == "." {
			return invalidf("entry %q: hardlink target %q is outside the copy", rel, hdr.Linkname)
		}
		return x.hardlink(parent, full, base, path.Join(prefix, target))
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
