package spec

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// capNames lists the Linux capabilities by number, as the kernel headers
// define them; a name's index is its bit in the capability sets.
var capNames = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// DefaultCapabilities is the set an unprivileged container keeps: Docker's
// 14, in capability-number order.
var DefaultCapabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE",
	"CAP_SETFCAP",
}

// hostBounding returns the capability bounding set of this process. It is
// a variable so tests can pretend to run on another host.
// "All capabilities" means this set, not every name the library knows:
// asking the runtime for a capability outside it (CAP_SYS_RESOURCE is
// missing on some hosts) makes every such container fail to start.
var hostBounding = func() ([]string, error) { return readStatusCaps("CapBnd") }

// readStatusCaps parses a capability set (CapBnd, CapEff...) of this
// process from /proc/self/status.
func readStatusCaps(field string) ([]string, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		if err != nil {
			return nil, fmt.Errorf("parse %s %q: %w", field, v, err)
		}
		return capsFromMask(mask), nil
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("no %s in /proc/self/status", field)
}

// capsFromMask names the bits of a capability mask; bits the table does not
// name (capabilities newer than it) are left out.
func capsFromMask(mask uint64) []string {
	var caps []string
	for i, name := range capNames {
		if mask&(1<<uint(i)) != 0 {
			caps = append(caps, name)
		}
	}
	return caps
}

// normalizeCaps upper-cases capability names and adds the CAP_ prefix,
// keeping "ALL" as is; an unknown name is an invalid argument.
func normalizeCaps(caps []string) ([]string, error) {
	out := make([]string, 0, len(caps))
	for _, c := range caps {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "ALL" && !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		if c != "ALL" && capIndex(c) < 0 {
			return nil, invalidf("unknown capability: %q", c)
		}
		out = append(out, c)
	}
	return out, nil
}

// CheckCapabilities refuses unknown names in --cap-add and --cap-drop with
// Docker's words, so that create refuses them rather than start.
func CheckCapabilities(add, drop []string) error {
	if _, err := normalizeCaps(add); err != nil {
		return err
	}
	_, err := normalizeCaps(drop)
	return err
}

func capIndex(name string) int {
	for i, n := range capNames {
		if n == name {
			return i
		}
	}
	return -1
}

// Capabilities computes the capability set of a container's processes from
// --privileged, --cap-add and --cap-drop. ALL in --cap-add starts from the
// host's bounding set; ALL in --cap-drop starts from nothing; otherwise the
// defaults are the start. Adding ALL wins over dropping ALL, as in Docker.
func Capabilities(privileged bool, add, drop []string) ([]string, error) {
	bounding, err := hostBounding()
	if err != nil {
		return nil, fmt.Errorf("read the host's capability bounding set: %w", err)
	}
	if privileged {
		return bounding, nil
	}
	add, err = normalizeCaps(add)
	if err != nil {
		return nil, err
	}
	drop, err = normalizeCaps(drop)
	if err != nil {
		return nil, err
	}
	var base []string
	switch {
	case slices.Contains(add, "ALL"):
		base = bounding
	case slices.Contains(drop, "ALL"):
	default:
		base = DefaultCapabilities
	}
	set := make(map[string]bool)
	for _, c := range base {
		if !slices.Contains(drop, c) {
			set[c] = true
		}
	}
	for _, c := range add {
		if c == "ALL" {
			continue
		}
		if !slices.Contains(bounding, c) {
			return nil, invalidf(
				"capability %s is not in the host's bounding set: the runtime cannot grant it", c)
		}
		set[c] = true
	}
	// Capability-number order makes the spec deterministic.
	var caps []string
	for _, name := range capNames {
		if set[name] {
			caps = append(caps, name)
		}
	}
	return caps, nil
}
