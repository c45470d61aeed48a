package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func devRule(allow bool, typ string, major, minor int64, access string) specs.LinuxDeviceCgroup {
	r := specs.LinuxDeviceCgroup{Allow: allow, Type: typ, Access: access}
	if major >= 0 {
		r.Major = &major
	}
	if minor >= 0 {
		r.Minor = &minor
	}
	return r
}

// defaultDeviceRules denies every device, then allows what any container
// needs: creating nodes (not using them), the standard character devices
// the runtime creates in /dev, terminals, and /dev/net/tun. /dev/fuse
// stays denied by the first rule: a deny after the mknod wildcards is
// refused by the v1 devices cgroup ("cannot punch hole"). The runtime
// itself creates null, zero, full, random, urandom, tty, console and ptmx,
// as the OCI spec requires, so Linux.Devices stays empty by default.
func defaultDeviceRules() []specs.LinuxDeviceCgroup {
	return []specs.LinuxDeviceCgroup{
		devRule(false, "", -1, -1, "rwm"),
		devRule(true, "c", -1, -1, "m"),
		devRule(true, "b", -1, -1, "m"),
		devRule(true, "c", 1, 3, "rwm"),    // null
		devRule(true, "c", 1, 5, "rwm"),    // zero
		devRule(true, "c", 1, 7, "rwm"),    // full
		devRule(true, "c", 1, 8, "rwm"),    // random
		devRule(true, "c", 1, 9, "rwm"),    // urandom
		devRule(true, "c", 5, 0, "rwm"),    // tty
		devRule(true, "c", 5, 1, "rwm"),    // console
		devRule(true, "c", 5, 2, "rwm"),    // ptmx
		devRule(true, "c", 136, -1, "rwm"), // pts/*
		devRule(true, "c", 10, 200, "rwm"), // net/tun
	}
}

// devices returns the device nodes and cgroup rules: all host devices for
// a privileged container, else the defaults plus --device and
// --device-cgroup-rule.
func devices(hc *container.HostConfig) ([]specs.LinuxDevice, []specs.LinuxDeviceCgroup, error) {
	if hc.Privileged {
		devs, err := hostDevices("/dev")
		return devs, []specs.LinuxDeviceCgroup{devRule(true, "", -1, -1, "rwm")}, err
	}
	rules := defaultDeviceRules()
	var devs []specs.LinuxDevice
	for _, dm := range hc.Devices {
		perms := dm.CgroupPermissions
		if perms == "" {
			perms = "rwm"
		}
		if !validAccess(perms) {
			return nil, nil, invalidf("invalid device mode: %s", perms)
		}
		found, err := devicesAt(dm.PathOnHost, dm.PathInContainer)
		if err != nil {
			return nil, nil, err
		}
		for _, d := range found {
			devs = append(devs, d)
			rules = append(rules, devRule(true, d.Type, d.Major, d.Minor, perms))
		}
	}
	for _, r := range hc.DeviceCgroupRules {
		rule, err := parseCgroupRule(r)
		if err != nil {
			return nil, nil, err
		}
		rules = append(rules, rule)
	}
	return devs, rules, nil
}

// devicesAt turns a --device host path into device nodes; a directory
// brings every device below it, under the same relative path.
func devicesAt(host, inContainer string) ([]specs.LinuxDevice, error) {
	if inContainer == "" {
		inContainer = host
	}
	if d, err := deviceFromPath(host, inContainer); err == nil {
		return []specs.LinuxDevice{d}, nil
	} else if !errors.Is(err, errNotDevice) {
		return nil, invalidf("error gathering device information while adding custom device %q: %s", host, err)
	}
	st, err := os.Stat(host)
	if err != nil || !st.IsDir() {
		return nil, invalidf("error gathering device information while adding custom device %q: not a device node", host)
	}
	var out []specs.LinuxDevice
	err = filepath.WalkDir(host, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(host, p)
		if d, err := deviceFromPath(p, filepath.Join(inContainer, rel)); err == nil {
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, invalidf("error gathering device information while adding custom device %q: %s", host, err)
	}
	return out, nil
}

var errNotDevice = errors.New("not a device node")

// deviceFromPath describes the device node at host (following a symlink,
// so /dev/disk/by-id/... works) as it should appear at dest.
func deviceFromPath(host, dest string) (specs.LinuxDevice, error) {
	var st unix.Stat_t
	if err := unix.Stat(host, &st); err != nil {
		return specs.LinuxDevice{}, err
	}
	var typ string
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
		typ = "c"
	case unix.S_IFBLK:
		typ = "b"
	default:
		return specs.LinuxDevice{}, errNotDevice
	}
	mode := fs.FileMode(st.Mode & 0o777)
	uid, gid := st.Uid, st.Gid
	return specs.LinuxDevice{
		Path: dest, Type: typ,
		Major: int64(unix.Major(st.Rdev)), Minor: int64(unix.Minor(st.Rdev)),
		FileMode: &mode, UID: &uid, GID: &gid,
	}, nil
}

// hostDevices lists the host's device nodes for a privileged container,
// leaving out what the runtime sets up itself (pts, shm, mqueue, console).
func hostDevices(root string) ([]specs.LinuxDevice, error) {
	var out []specs.LinuxDevice
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // a node that vanished or cannot be read is skipped
		}
		if d.IsDir() {
			switch d.Name() {
			case "pts", "shm", "mqueue", "fd", ".lxc", ".udev":
				return filepath.SkipDir
			}
			return nil
		}
		if p == filepath.Join(root, "console") || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		if dev, err := deviceFromPath(p, p); err == nil {
			out = append(out, dev)
		}
		return nil
	})
	return out, err
}

func validAccess(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("rwm", c) {
			return false
		}
	}
	return true
}

// parseCgroupRule reads a --device-cgroup-rule: "type major:minor access",
// where type is a, b or c and major or minor may be *.
func parseCgroupRule(s string) (specs.LinuxDeviceCgroup, error) {
	bad := invalidf("invalid device cgroup rule format: '%s'", s)
	f := strings.Fields(s)
	if len(f) != 3 || !strings.Contains("abc", f[0]) || len(f[0]) != 1 || !validAccess(f[2]) {
		return specs.LinuxDeviceCgroup{}, bad
	}
	majS, minS, ok := strings.Cut(f[1], ":")
	if !ok {
		return specs.LinuxDeviceCgroup{}, bad
	}
	num := func(v string) (int64, bool) {
		if v == "*" {
			return -1, true
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil && n >= 0
	}
	major, ok1 := num(majS)
	minor, ok2 := num(minS)
	if !ok1 || !ok2 {
		return specs.LinuxDeviceCgroup{}, bad
	}
	return devRule(true, f[0], major, minor, f[2]), nil
}
