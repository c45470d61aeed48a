package layer

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// writeFile creates base afresh (O_EXCL, never following a link) and copies the entry's data.
func (x *extractor) writeFile(parent *os.File, rel, base string, data io.Reader) error {
	fd, err := unix.Openat(int(parent.Fd()), base,
		unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return pathErr(rel, "creating", err)
	}
	f := os.NewFile(uintptr(fd), rel)
	src := &sourceReader{r: data}
	_, err = io.Copy(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if src.err != nil {
		// A short read is the archive's fault (truncated), not the disk's.
		return invalidf("entry %q: reading file data: %v", rel, src.err)
	}
	if err != nil {
		return pathErr(rel, "writing", err)
	}
	return nil
}

// sourceReader remembers a read error so that writeFile can tell it from a write error.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// hardlink links base to an earlier entry of this layer. The target is resolved inside the
// layer like any other name; a target named outside it (absolute, or climbing with "..") is
// refused outright, since no well-formed layer has one.
func (x *extractor) hardlink(parent *os.File, rel, base, linkname string) error {
	if linkname == "" || path.IsAbs(linkname) {
		return invalidf("entry %q: hardlink target %q is outside the layer", rel, linkname)
	}
	target, err := cleanName(linkname)
	if err != nil {
		return invalidf("entry %q: hardlink target %q is outside the layer", rel, linkname)
	}
	if target == "." {
		return invalidf("entry %q: hardlink to the layer root", rel)
	}
	tdir, tbase := path.Split(target)
	tparent, err := x.tree.lookup(path.Clean(tdir))
	if err != nil {
		return fmt.Errorf("entry %q: hardlink target %q: %w", rel, linkname, err)
	}
	defer tparent.Close()
	var st unix.Stat_t
	if err := unix.Fstatat(int(tparent.Fd()), tbase, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return invalidf("entry %q: hardlink target %q: %v", rel, linkname, err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return invalidf("entry %q: hardlink target %q is a directory", rel, linkname)
	}
	// Flags 0: link the target itself, even when it is a symlink, as tar means.
	if err := unix.Linkat(int(tparent.Fd()), tbase, int(parent.Fd()), base, 0); err != nil {
		return pathErr(rel, "creating hardlink", err)
	}
	return nil
}

// setMeta applies ownership, mode, xattrs and (for non-directories) times to base. Chown comes
// first because it clears setuid/setgid bits and security.capability.
func setMeta(parent *os.File, base string, hdr *tar.Header) error {
	pfd := int(parent.Fd())
	if err := unix.Fchownat(pfd, base, hdr.Uid, hdr.Gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if hdr.Typeflag != tar.TypeSymlink {
		// base was just created by us and is not a symlink, so following it is harmless; Linux
		// has no lchmod.
		if err := unix.Fchmodat(pfd, base, uint32(hdr.Mode)&0o7777, 0); err != nil {
			return err
		}
	}
	if err := setXattrs(parent, base, hdr); err != nil {
		return err
	}
	if hdr.Typeflag == tar.TypeDir {
		return nil
	}
	return setTimes(parent, base, hdr)
}

func setTimes(parent *os.File, base string, hdr *tar.Header) error {
	mtime := unix.NsecToTimespec(hdr.ModTime.UnixNano())
	atime := mtime
	if !hdr.AccessTime.IsZero() {
		atime = unix.NsecToTimespec(hdr.AccessTime.UnixNano())
	}
	if hdr.ModTime.IsZero() {
		mtime, atime = unix.Timespec{}, unix.Timespec{}
	}
	return unix.UtimesNanoAt(int(parent.Fd()), base, []unix.Timespec{atime, mtime}, unix.AT_SYMLINK_NOFOLLOW)
}

const paxXattr = "SCHILY.xattr."

// setXattrs applies the extended attributes recorded in PAX headers. A trusted.* or security.*
// attribute the filesystem cannot hold is dropped, except security.capability: a binary that
// silently loses its capabilities would fail later in a confusing way.
func setXattrs(parent *os.File, base string, hdr *tar.Header) error {
	for key, value := range hdr.PAXRecords {
		name, ok := strings.CutPrefix(key, paxXattr)
		if !ok {
			continue
		}
		err := unix.Lsetxattr(fdPath(parent, base), name, []byte(value), 0)
		if err == nil {
			continue
		}
		optional := (strings.HasPrefix(name, "trusted.") || strings.HasPrefix(name, "security.")) &&
			name != "security.capability"
		if optional && (errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP)) {
			continue
		}
		return &os.PathError{Op: "setxattr " + name, Path: base, Err: err}
	}
	return nil
}

// isGone reports a path that no longer exists as a directory.
func isGone(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR)
}

// mknod creates the device or fifo that hdr describes; special is false
// for any other entry type.
func mknod(pfd int, base string, hdr *tar.Header) (special bool, err error) {
	switch hdr.Typeflag {
	case tar.TypeChar:
		return true, unix.Mknodat(pfd, base, unix.S_IFCHR, devNumber(hdr))
	case tar.TypeBlock:
		return true, unix.Mknodat(pfd, base, unix.S_IFBLK, devNumber(hdr))
	case tar.TypeFifo:
		return true, unix.Mknodat(pfd, base, unix.S_IFIFO, 0)
	}
	return false, nil
}
