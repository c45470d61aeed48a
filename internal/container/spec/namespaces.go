package spec

import (
	"fmt"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// cgroupV2 reports whether /sys/fs/cgroup is the unified hierarchy. A
// hybrid host (v1 controllers plus cgroup2 at /sys/fs/cgroup/unified)
// counts as v1. It is a variable so tests can pretend either.
var cgroupV2 = func() bool {
	var st unix.Statfs_t
	return unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
}

// namespaces lists the namespaces the container gets. A namespace left out
// is shared with the host; one with a path is joined.
func namespaces(in Input) ([]specs.LinuxNamespace, error) {
	hc := in.HostConfig
	ns := []specs.LinuxNamespace{{Type: specs.MountNamespace}}

	switch pm := hc.PidMode; {
	case pm.IsHost():
	case pm.IsContainer():
		if in.PidNSPath == "" {
			return nil, invalidf("--pid %s: the daemon gave no namespace path to join", pm)
		}
		ns = append(ns, specs.LinuxNamespace{Type: specs.PIDNamespace, Path: in.PidNSPath})
	case pm == "":
		ns = append(ns, specs.LinuxNamespace{Type: specs.PIDNamespace})
	default:
		return nil, invalidf("invalid PID mode: %s", pm)
	}

	switch in.NetNSPath {
	case "host":
	case "":
		ns = append(ns, specs.LinuxNamespace{Type: specs.NetworkNamespace})
	default:
		ns = append(ns, specs.LinuxNamespace{Type: specs.NetworkNamespace, Path: in.NetNSPath})
	}

	switch im := hc.IpcMode; {
	case im.IsHost():
	case im.IsContainer():
		if in.IpcNSPath == "" {
			return nil, invalidf("--ipc %s: the daemon gave no namespace path to join", im)
		}
		ns = append(ns, specs.LinuxNamespace{Type: specs.IPCNamespace, Path: in.IpcNSPath})
	case im.IsEmpty() || im.IsPrivate() || im.IsShareable() || im.IsNone():
		ns = append(ns, specs.LinuxNamespace{Type: specs.IPCNamespace})
	default:
		return nil, invalidf("invalid IPC mode: %s", im)
	}

	switch um := hc.UTSMode; {
	case um.IsHost():
	case um == "":
		ns = append(ns, specs.LinuxNamespace{Type: specs.UTSNamespace})
	default:
		return nil, invalidf("invalid UTS mode: %s", um)
	}

	if privateCgroupNS(hc.CgroupnsMode) {
		ns = append(ns, specs.LinuxNamespace{Type: specs.CgroupNamespace})
	}
	if hc.CgroupnsMode != "" && !hc.CgroupnsMode.Valid() {
		return nil, invalidf("invalid cgroup namespace mode: %s", hc.CgroupnsMode)
	}
	return ns, nil
}

// privateCgroupNS follows Docker's default: a private cgroup namespace on
// cgroup v2, the host's on v1, unless the user chose.
func privateCgroupNS(mode container.CgroupnsMode) bool {
	switch {
	case mode.IsPrivate():
		return true
	case mode.IsHost():
		return false
	}
	return cgroupV2()
}

func hasNamespace(ns []specs.LinuxNamespace, typ specs.LinuxNamespaceType) bool {
	for _, n := range ns {
		if n.Type == typ {
			return true
		}
	}
	return false
}

// invalidf makes an invalid-argument error whose message is exactly the
// formatted text (WithMessage keeps the class's own words out of it).
func invalidf(format string, args ...any) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(format, args...))
}
