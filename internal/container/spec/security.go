package spec

import (
	"strconv"
	"strings"

	"github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// security is what --security-opt asks for.
type security struct {
	noNewPrivileges bool
	// seccomp is "" (the default profile), "unconfined", "builtin" or a
	// profile's JSON text (the CLI reads seccomp=FILE and sends the content).
	seccomp  string
	apparmor string
	// writableCgroups, when set, overrides the default (writable only
	// for --privileged) of the /sys/fs/cgroup mount.
	writableCgroups *bool
}

// parseSecurityOpts reads HostConfig.SecurityOpt as Docker does: "key=value"
// (or the legacy "key:value"), with a bare "no-new-privileges" meaning
// true, over the daemon's default noNewPrivileges. SELinux labels are
// accepted and ignored: Berth does not label.
func parseSecurityOpts(opts []string, noNewPrivileges bool) (security, error) {
	s := security{noNewPrivileges: noNewPrivileges}
	for _, opt := range opts {
		switch opt {
		case "no-new-privileges":
			s.noNewPrivileges = true
			continue
		case "disable":
			continue
		case "writable-cgroups":
			yes := true
			s.writableCgroups = &yes
			continue
		}
		key, val, ok := strings.Cut(opt, "=")
		if !ok {
			key, val, ok = strings.Cut(opt, ":")
		}
		if !ok {
			return s, invalidf("invalid --security-opt 1: %q", opt)
		}
		switch key {
		case "label":
		case "apparmor":
			s.apparmor = val
		case "seccomp":
			s.seccomp = val
		case "no-new-privileges":
			b, err := strconv.ParseBool(val)
			if err != nil {
				return s, invalidf("invalid --security-opt 2: %q", opt)
			}
			s.noNewPrivileges = b
		case "writable-cgroups":
			b, err := strconv.ParseBool(val)
			if err != nil {
				return s, invalidf("invalid --security-opt 2: %q", opt)
			}
			s.writableCgroups = &b
		default:
			return s, invalidf("invalid --security-opt 2: %q", opt)
		}
	}
	return s, nil
}

// seccompFor returns the seccomp filter for a spec whose capabilities are
// already set: the rules of Docker's profile that depend on a capability
// (e.g. the mount family with CAP_SYS_ADMIN) are kept or left out from the
// bounding set. nil means unconfined: --privileged is, unless the client
// gave a profile of its own, which Docker applies even then.
func seccompFor(sec security, privileged bool, s *specs.Spec) (*specs.LinuxSeccomp, error) {
	switch {
	case sec.seccomp == "unconfined":
		return nil, nil
	case sec.seccomp == "" || sec.seccomp == "builtin":
		if privileged {
			return nil, nil
		}
		return seccomp.GetDefaultProfile(s)
	}
	p, err := seccomp.LoadProfile(sec.seccomp, s)
	if err != nil {
		return nil, invalidf("%s", err)
	}
	return p, nil
}

// setCgroupsWritable makes the cgroup mount read-write or read-only: as
// --security-opt writable-cgroups says, else read-write only for
// --privileged, as Docker does.
func setCgroupsWritable(mounts []specs.Mount, sec security, privileged bool) {
	writable := privileged
	if sec.writableCgroups != nil {
		writable = *sec.writableCgroups
	}
	mode := "ro"
	if writable {
		mode = "rw"
	}
	for i := range mounts {
		if mounts[i].Type != "cgroup" && mounts[i].Type != "cgroup2" {
			continue
		}
		opts := mounts[i].Options[:0:0]
		for _, o := range mounts[i].Options {
			if o != "ro" && o != "rw" {
				opts = append(opts, o)
			}
		}
		mounts[i].Options = append(opts, mode)
	}
}
