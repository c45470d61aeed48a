// Package mount assembles and tears down container root filesystems: an
// overlayfs of read-only layer trees under a writable upper directory.
package mount

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// Overlay describes one overlay mount. Without Upper and Work it is a
// read-only stack of the lower layers (which overlayfs allows from two
// layers up), as the builder reads an image's files.
type Overlay struct {
	Lower  []string // layer directories, top first
	Upper  string   // the container's writable layer; "" for read-only
	Work   string   // overlayfs scratch space, same filesystem as Upper
	Target string
}

func (o Overlay) readOnly() bool { return o.Upper == "" }

// Mount mounts the overlay at o.Target. A lowerdir list too long for the
// legacy option string (one page) is passed a layer at a time through the
// new mount API, which has no such limit.
func (o Overlay) Mount() error {
	if len(o.Lower) == 0 {
		return errors.New("overlay needs at least one lower directory")
	}
	if o.readOnly() != (o.Work == "") {
		return errors.New("overlay needs both an upper and a work directory, or neither")
	}
	for _, d := range []string{o.Upper, o.Work, o.Target} {
		if d == "" {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	opts := "lowerdir=" + strings.Join(o.Lower, ":")
	var flags uintptr
	if o.readOnly() {
		flags = unix.MS_RDONLY
	} else {
		opts += fmt.Sprintf(",upperdir=%s,workdir=%s,index=off", o.Upper, o.Work)
	}
	if len(opts) < os.Getpagesize()-64 {
		if err := unix.Mount("overlay", o.Target, "overlay", flags, opts); err != nil {
			return fmt.Errorf("mounting overlay at %s: %w", o.Target, err)
		}
		return nil
	}
	return o.mountByLayer()
}

func (o Overlay) mountByLayer() error {
	fd, err := unix.Fsopen("overlay", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return fmt.Errorf("overlay with %d layers needs the new mount API: %w", len(o.Lower), err)
	}
	defer unix.Close(fd)
	for _, l := range o.Lower {
		if err := unix.FsconfigSetString(fd, "lowerdir+", l); err != nil {
			return fmt.Errorf("overlay lowerdir+ %s: %w", l, err)
		}
	}
	var attrs int
	if o.readOnly() {
		attrs = unix.MOUNT_ATTR_RDONLY
	} else {
		for k, v := range map[string]string{"upperdir": o.Upper, "workdir": o.Work, "index": "off"} {
			if err := unix.FsconfigSetString(fd, k, v); err != nil {
				return fmt.Errorf("overlay %s: %w", k, err)
			}
		}
	}
	if err := unix.FsconfigCreate(fd); err != nil {
		return fmt.Errorf("creating overlay: %w", err)
	}
	mfd, err := unix.Fsmount(fd, unix.FSMOUNT_CLOEXEC, attrs)
	if err != nil {
		return fmt.Errorf("fsmount overlay: %w", err)
	}
	defer unix.Close(mfd)
	if err := unix.MoveMount(mfd, "", unix.AT_FDCWD, o.Target, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return fmt.Errorf("attaching overlay at %s: %w", o.Target, err)
	}
	return nil
}

// Unmount detaches whatever is mounted at target; nothing mounted there is
// not an error. Busy mounts are detached lazily so a stray process holding
// a file cannot wedge container removal.
func Unmount(target string) error {
	for {
		err := unix.Unmount(target, unix.MNT_DETACH)
		switch {
		case err == nil:
			continue // stacked mounts: take them all off
		case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOENT):
			return nil
		default:
			return fmt.Errorf("unmounting %s: %w", target, err)
		}
	}
}

// Mounted reports whether target is a mount point.
func Mounted(target string) (bool, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 4 && unescape(fields[4]) == target {
			return true, nil
		}
	}
	return false, nil
}

// unescape undoes mountinfo's octal escapes (\040 for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var v int
			if _, err := fmt.Sscanf(s[i+1:i+4], "%3o", &v); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
