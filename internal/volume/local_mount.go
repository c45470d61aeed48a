package volume

import (
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/containerd/errdefs"
	"golang.org/x/sys/unix"
)

// mountOptions is what a local volume's type/device/o options ask for:
// mount(2) of device (of filesystem type fstype) on the volume's directory.
type mountOptions struct {
	fstype string
	device string
	flags  uintptr
	data   string
}

// flagOptions are the o= words that are mount flags rather than data for
// the filesystem.
var flagOptions = map[string]struct {
	set   bool
	value uintptr
}{
	"ro": {true, unix.MS_RDONLY}, "rw": {false, unix.MS_RDONLY},
	"bind": {true, unix.MS_BIND}, "rbind": {true, unix.MS_BIND | unix.MS_REC},
	"nosuid": {true, unix.MS_NOSUID}, "suid": {false, unix.MS_NOSUID},
	"nodev": {true, unix.MS_NODEV}, "dev": {false, unix.MS_NODEV},
	"noexec": {true, unix.MS_NOEXEC}, "exec": {false, unix.MS_NOEXEC},
	"sync": {true, unix.MS_SYNCHRONOUS}, "async": {false, unix.MS_SYNCHRONOUS},
	"noatime": {true, unix.MS_NOATIME}, "atime": {false, unix.MS_NOATIME},
	"nodiratime": {true, unix.MS_NODIRATIME}, "relatime": {true, unix.MS_RELATIME},
	"strictatime": {true, unix.MS_STRICTATIME},
}

// requires says which other option each option needs, as Docker's local
// driver does: a device means nothing without a type, and the reverse.
var requires = map[string]string{"device": "type", "type": "device", "o": "device"}

// parseMountOptions reads a local volume's options; nil means a plain
// directory.
func parseMountOptions(opts map[string]string) (*mountOptions, error) {
	if len(opts) == 0 {
		return nil, nil
	}
	for k := range opts {
		switch k {
		case "type", "device", "o":
		default:
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid option: %q", k))
		}
		if need := requires[k]; opts[need] == "" {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("missing required option: %q", need))
		}
	}
	mo := &mountOptions{fstype: opts["type"], device: opts["device"]}
	var data []string
	for _, w := range strings.Split(opts["o"], ",") {
		if w == "" {
			continue
		}
		if f, ok := flagOptions[w]; ok {
			if f.set {
				mo.flags |= f.value
			} else {
				mo.flags &^= f.value
			}
			continue
		}
		data = append(data, w)
	}
	if mo.fstype == "bind" {
		mo.flags |= unix.MS_BIND
	}
	if mo.flags&unix.MS_BIND != 0 {
		mo.fstype = ""
		if !strings.HasPrefix(mo.device, "/") {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("bind device must be an absolute path: %q", mo.device))
		}
	}
	mo.data = strings.Join(data, ",")
	return mo, nil
}

// mount mounts the filesystem on target. NFS takes the server's address
// in the addr= data word; the kernel wants an IP there, so a host name is
// resolved first.
func (mo *mountOptions) mount(target string) error {
	data := mo.data
	if strings.HasPrefix(mo.fstype, "nfs") {
		data = resolveAddr(data)
	}
	if mo.flags&unix.MS_BIND != 0 {
		if _, err := os.Stat(mo.device); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("bind device: %v", err))
		}
		if err := unix.Mount(mo.device, target, "", mo.flags, ""); err != nil {
			return err
		}
		if mo.flags&unix.MS_RDONLY != 0 { // a bind ignores ro until remounted
			return unix.Mount("", target, "", mo.flags|unix.MS_REMOUNT, "")
		}
		return nil
	}
	return unix.Mount(mo.device, target, mo.fstype, mo.flags, data)
}

func resolveAddr(data string) string {
	words := strings.Split(data, ",")
	for i, w := range words {
		host, ok := strings.CutPrefix(w, "addr=")
		if !ok || net.ParseIP(host) != nil {
			continue
		}
		if ips, err := net.LookupIP(host); err == nil && len(ips) > 0 {
			words[i] = "addr=" + ips[0].String()
		}
	}
	return strings.Join(words, ",")
}
