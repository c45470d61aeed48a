package network

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// CreateNetNS makes a new network namespace and bind-mounts it at path,
// so it outlives every process in it (and berthd) until DeleteNetNS.
func CreateNetNS(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDONLY, 0o444)
	if err != nil {
		return err
	}
	f.Close()
	err = onNSThread(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("unshare netns: %w", err)
		}
		if err := unix.Mount(threadNetNS(), path, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind-mounting netns: %w", err)
		}
		return nil
	})
	if err != nil {
		unix.Unmount(path, unix.MNT_DETACH)
		os.Remove(path)
		return err
	}
	return nil
}

// netlinkHandleAt opens a netlink handle whose sockets live in the
// namespace at path. The sockets keep that namespace after the thread
// that made them has left it, so the handle can be used from any goroutine.
func netlinkHandleAt(path string) (*netlink.Handle, error) {
	var h *netlink.Handle
	err := onNSThread(func() error {
		if err := enterNetNS(path); err != nil {
			return err
		}
		var err error
		h, err = netlink.NewHandle()
		return err
	})
	return h, err
}

// enterNetNS moves the calling thread into the namespace at path; only
// for use inside onNSThread.
func enterNetNS(path string) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("container netns: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("entering netns %s: %w", path, err)
	}
	return nil
}

// DeleteNetNS unmounts and removes a namespace made by CreateNetNS;
// a missing one is not an error.
func DeleteNetNS(path string) error {
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmounting netns %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// NetNSMounted says whether path holds a live namespace mount.
func NetNSMounted(path string) bool {
	var st, parent unix.Stat_t
	if unix.Stat(path, &st) != nil || unix.Stat(filepath.Dir(path), &parent) != nil {
		return false
	}
	return st.Dev != parent.Dev
}
