// Package sysinfo reads facts about the host that /info and /version
// report: kernel, distribution, cgroup version, memory.
package sysinfo

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Host is a snapshot of the host's facts.
type Host struct {
	KernelVersion   string
	OperatingSystem string
	OSVersion       string
	Architecture    string
	CgroupVersion   string // "1" or "2"
	MemTotal        int64
	OpenFiles       int
}

// Read gathers the host facts. Missing sources leave fields empty rather
// than failing: /info must answer on odd hosts too.
func Read() Host {
	var h Host
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		h.KernelVersion = unix.ByteSliceToString(u.Release[:])
		h.Architecture = unix.ByteSliceToString(u.Machine[:])
	}
	osr := readKeyValues("/etc/os-release")
	h.OperatingSystem = osr["PRETTY_NAME"]
	h.OSVersion = osr["VERSION_ID"]
	h.CgroupVersion = CgroupVersion()
	h.MemTotal = memTotal()
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		h.OpenFiles = len(fds)
	}
	return h
}

// CgroupVersion is "2" on a unified hierarchy and "1" otherwise (including
// the hybrid layout, where cgroup2 sits only at /sys/fs/cgroup/unified).
func CgroupVersion() string {
	var st unix.Statfs_t
	if unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		return "2"
	}
	return "1"
}

// FilesystemType names the filesystem holding path, as dockerd's
// "Backing Filesystem" does.
func FilesystemType(path string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return "unknown"
	}
	switch st.Type {
	case unix.EXT4_SUPER_MAGIC:
		return "extfs"
	case unix.XFS_SUPER_MAGIC:
		return "xfs"
	case unix.BTRFS_SUPER_MAGIC:
		return "btrfs"
	case unix.TMPFS_MAGIC:
		return "tmpfs"
	case unix.OVERLAYFS_SUPER_MAGIC:
		return "overlayfs"
	}
	return "0x" + strconv.FormatInt(int64(st.Type), 16)
}

func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func readKeyValues(path string) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if ok {
			out[k] = strings.Trim(v, `"`)
		}
	}
	return out
}
