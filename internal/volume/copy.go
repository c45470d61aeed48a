package volume

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// Empty reports whether dir holds nothing (a missing dir is empty).
func Empty(dir string) (bool, error) {
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// CopyUp fills dst, a new volume's empty directory, with the tree at src
// (the image's content at the mount's destination), keeping owners, modes,
// times and symlinks as they are, as Docker does on first mount. src must
// already be confined to the container's root: CopyUp never follows a
// symlink, so nothing outside src is read. dst itself takes src's owner
// and mode.
func CopyUp(src, dst string) error {
	st, err := os.Lstat(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return nil
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if err := copyEntry(path, target, info, rel == "."); err != nil {
			return fmt.Errorf("copying %s into the volume: %w", rel, err)
		}
		return nil
	})
}

func copyEntry(src, dst string, info fs.FileInfo, root bool) error {
	mode := info.Mode()
	switch {
	case mode.IsDir():
		if !root {
			if err := os.Mkdir(dst, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
				return err
			}
		}
	case mode.IsRegular():
		if err := copyFile(src, dst); err != nil {
			return err
		}
	case mode&fs.ModeSymlink != 0:
		link, err := os.Readlink(src)
		if err != nil {
			return err
		}
		if err := os.Symlink(link, dst); err != nil {
			return err
		}
	case mode&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeCharDevice) != 0:
		st := info.Sys().(*syscall.Stat_t)
		if err := unix.Mknod(dst, st.Mode, int(st.Rdev)); err != nil {
			return err
		}
	default:
		return nil // sockets are not content
	}
	return copyMeta(dst, info)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyMeta sets owner, mode and times of dst from info; owner first, since
// chown clears the setuid bits a chmod would set.
func copyMeta(dst string, info fs.FileInfo) error {
	st := info.Sys().(*syscall.Stat_t)
	if err := os.Lchown(dst, int(st.Uid), int(st.Gid)); err != nil {
		return err
	}
	if info.Mode()&fs.ModeSymlink == 0 {
		if err := unix.Chmod(dst, uint32(st.Mode&0o7777)); err != nil {
			return err
		}
	}
	ts := []unix.Timespec{unix.NsecToTimespec(unix.TimespecToNsec(unix.Timespec(st.Atim))), unix.NsecToTimespec(unix.TimespecToNsec(unix.Timespec(st.Mtim)))}
	unix.UtimesNanoAt(unix.AT_FDCWD, dst, ts, unix.AT_SYMLINK_NOFOLLOW)
	return nil
}
