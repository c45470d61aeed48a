package spec

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// DefaultShmSize is the size of /dev/shm when --shm-size is not given.
const DefaultShmSize = 64 << 20

// InitDest is where --init's binary appears in the container; Docker's
// path, so images and tools that look for it find it.
const InitDest = "/sbin/docker-init"

// DefaultMaskedPaths are hidden from unprivileged containers: the runtime
// mounts /dev/null over files and an empty read-only tmpfs over
// directories. They leak host information or reach the kernel directly.
var DefaultMaskedPaths = []string{
	"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore",
	"/proc/keys", "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap",
}

// DefaultReadonlyPaths are remounted read-only in unprivileged containers.
var DefaultReadonlyPaths = []string{
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
}

// defaultMounts is the filesystem every container starts with, before the
// daemon's volumes, binds and tmpfs: proc, a tmpfs /dev with its pts, shm
// and mqueue, sysfs and the cgroup tree.
func defaultMounts(in Input, ns []specs.LinuxNamespace) []specs.Mount {
	hc := in.HostConfig
	sysMode := "ro"
	if hc.Privileged {
		sysMode = "rw"
	}
	m := []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", sysMode}},
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"nosuid", "noexec", "nodev", sysMode}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
	}
	switch {
	case hc.IpcMode.IsNone():
		// --ipc none: no /dev/shm at all.
	case in.ShmPath != "":
		// A shareable or joined IPC namespace: the daemon owns the tmpfs so
		// that other containers can bind the same one.
		m = append(m, specs.Mount{Destination: "/dev/shm", Type: "bind", Source: in.ShmPath, Options: []string{"rbind", "nosuid", "noexec", "nodev"}})
	case !hasNamespace(ns, specs.IPCNamespace):
		// --ipc host: the host's shared memory, not a new empty one.
		m = append(m, specs.Mount{Destination: "/dev/shm", Type: "bind", Source: "/dev/shm", Options: []string{"rbind", "nosuid", "noexec", "nodev"}})
	default:
		size := hc.ShmSize
		if size <= 0 {
			size = DefaultShmSize
		}
		m = append(m, specs.Mount{Destination: "/dev/shm", Type: "tmpfs", Source: "shm",
			Options: []string{"nosuid", "noexec", "nodev", "mode=1777", fmt.Sprintf("size=%d", size)}})
	}
	return m
}

// mounts assembles the container's mount list: defaults first, minus those
// a user mount replaces (a user /dev replaces every default under /dev),
// then /etc files, the init binary and the daemon's mounts, parents before
// children so a bind inside a volume lands on the volume.
func mounts(in Input, ns []specs.LinuxNamespace, withInit bool) []specs.Mount {
	var extra []specs.Mount
	etc := make([]string, 0, len(in.EtcFiles))
	for dest := range in.EtcFiles {
		etc = append(etc, dest)
	}
	sort.Strings(etc)
	for _, dest := range etc {
		// Writable unless the whole root is read-only, as in Docker.
		opts := []string{"rbind", "rprivate"}
		if in.HostConfig.ReadonlyRootfs {
			opts = append(opts, "ro")
		}
		extra = append(extra, specs.Mount{Destination: dest, Type: "bind", Source: in.EtcFiles[dest], Options: opts})
	}
	if withInit {
		extra = append(extra, specs.Mount{Destination: InitDest, Type: "bind", Source: in.InitPath, Options: []string{"bind", "ro"}})
	}
	extra = append(extra, in.Mounts...)
	sort.SliceStable(extra, func(i, j int) bool { return depth(extra[i].Destination) < depth(extra[j].Destination) })

	userDest := make(map[string]bool, len(extra))
	for _, m := range extra {
		userDest[path.Clean(m.Destination)] = true
	}
	var out []specs.Mount
	for _, m := range defaultMounts(in, ns) {
		if userDest[m.Destination] || userDest["/dev"] && strings.HasPrefix(m.Destination, "/dev/") {
			continue
		}
		out = append(out, m)
	}
	return append(out, extra...)
}

func depth(p string) int {
	p = path.Clean(p)
	if p == "/" {
		return 0
	}
	return strings.Count(p, "/")
}

// maskedAndReadonly gives the paths to hide and to make read-only. A
// privileged container gets none; HostConfig's lists, when set, replace
// the defaults (the API's way to say --security-opt systempaths=unconfined).
func maskedAndReadonly(in Input) (masked, readonly []string) {
	hc := in.HostConfig
	if hc.Privileged {
		return nil, nil
	}
	masked, readonly = DefaultMaskedPaths, DefaultReadonlyPaths
	if hc.MaskedPaths != nil {
		masked = hc.MaskedPaths
	}
	if hc.ReadonlyPaths != nil {
		readonly = hc.ReadonlyPaths
	}
	return slices.Clone(masked), slices.Clone(readonly)
}
