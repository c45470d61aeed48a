package spec

import (
	"slices"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// ipcSysctl tells whether a sysctl belongs to the IPC namespace.
func ipcSysctl(k string) bool {
	return strings.HasPrefix(k, "kernel.shm") || strings.HasPrefix(k, "kernel.msg") ||
		strings.HasPrefix(k, "kernel.sem") || strings.HasPrefix(k, "fs.mqueue.")
}

// sysctls checks --sysctl: only namespaced keys can be set, since anything
// else would change the host for everyone, and a namespaced key is refused
// when the container shares that namespace with the host.
func sysctls(in Input, ns []specs.LinuxNamespace) (map[string]string, error) {
	if len(in.HostConfig.Sysctls) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(in.HostConfig.Sysctls))
	for k, v := range in.HostConfig.Sysctls {
		switch {
		case strings.HasPrefix(k, "net."):
			if !hasNamespace(ns, specs.NetworkNamespace) {
				return nil, invalidf("sysctl %q is not allowed in the host network namespace", k)
			}
		case ipcSysctl(k):
			if !hasNamespace(ns, specs.IPCNamespace) {
				return nil, invalidf("sysctl %q is not allowed in the host IPC namespace", k)
			}
		default:
			return nil, invalidf("sysctl %q is not allowed: only namespaced sysctls (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*) can be set", k)
		}
		out[k] = v
	}
	return out, nil
}

// rlimitNames maps --ulimit names to the spec's RLIMIT_ types.
var rlimitNames = map[string]string{
	"as": "RLIMIT_AS", "core": "RLIMIT_CORE", "cpu": "RLIMIT_CPU", "data": "RLIMIT_DATA",
	"fsize": "RLIMIT_FSIZE", "locks": "RLIMIT_LOCKS", "memlock": "RLIMIT_MEMLOCK",
	"msgqueue": "RLIMIT_MSGQUEUE", "nice": "RLIMIT_NICE", "nofile": "RLIMIT_NOFILE",
	"nproc": "RLIMIT_NPROC", "rss": "RLIMIT_RSS", "rtprio": "RLIMIT_RTPRIO",
	"rttime": "RLIMIT_RTTIME", "sigpending": "RLIMIT_SIGPENDING", "stack": "RLIMIT_STACK",
}

var rlimitResource = map[string]int{
	"RLIMIT_AS": unix.RLIMIT_AS, "RLIMIT_CORE": unix.RLIMIT_CORE, "RLIMIT_CPU": unix.RLIMIT_CPU,
	"RLIMIT_DATA": unix.RLIMIT_DATA, "RLIMIT_FSIZE": unix.RLIMIT_FSIZE, "RLIMIT_LOCKS": unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK": unix.RLIMIT_MEMLOCK, "RLIMIT_MSGQUEUE": unix.RLIMIT_MSGQUEUE,
	"RLIMIT_NICE": unix.RLIMIT_NICE, "RLIMIT_NOFILE": unix.RLIMIT_NOFILE, "RLIMIT_NPROC": unix.RLIMIT_NPROC,
	"RLIMIT_RSS": unix.RLIMIT_RSS, "RLIMIT_RTPRIO": unix.RLIMIT_RTPRIO, "RLIMIT_RTTIME": unix.RLIMIT_RTTIME,
	"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING, "RLIMIT_STACK": unix.RLIMIT_STACK,
}

// canRaiseHardLimits says whether this process may raise a hard rlimit
// (CAP_SYS_RESOURCE in its effective set). A variable for tests.
var canRaiseHardLimits = func() bool {
	eff, err := readStatusCaps("CapEff")
	return err == nil && slices.Contains(eff, "CAP_SYS_RESOURCE")
}

// rlimits maps --ulimit. There are no default rlimits: the container
// inherits the runtime's, which are the daemon's. A hard limit above the
// current one is refused up front when the daemon lacks CAP_SYS_RESOURCE,
// since the runtime would fail with a bare EPERM.
func rlimits(ulimits []*container.Ulimit) ([]specs.POSIXRlimit, error) {
	var out []specs.POSIXRlimit
	for _, u := range ulimits {
		if u == nil {
			continue
		}
		typ, ok := rlimitNames[strings.ToLower(u.Name)]
		if !ok {
			return nil, invalidf("invalid ulimit type: %s", u.Name)
		}
		if u.Soft > u.Hard {
			return nil, invalidf("ulimit soft limit must be less than or equal to hard limit: %d > %d", u.Soft, u.Hard)
		}
		if u.Soft < 0 || u.Hard < 0 {
			return nil, invalidf("invalid ulimit %s: negative values are not allowed", u.Name)
		}
		var cur unix.Rlimit
		if err := unix.Getrlimit(rlimitResource[typ], &cur); err == nil &&
			uint64(u.Hard) > cur.Max && !canRaiseHardLimits() {
			return nil, invalidf("ulimit %s: hard limit %d is above the daemon's own hard limit %d, which it cannot raise (no CAP_SYS_RESOURCE)", u.Name, u.Hard, cur.Max)
		}
		out = append(out, specs.POSIXRlimit{Type: typ, Hard: uint64(u.Hard), Soft: uint64(u.Soft)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out, nil
}
