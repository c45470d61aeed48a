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
}

// parseSecurityOpts reads HostConfig.SecurityOpt as Docker does: "key=value"
// (or the legacy "key:value"), with a bare "no-new-privileges" meaning
// true. SELinux labels are accepted and ignored: Berth does not label.
func parseSecurityOpts(opts []string) (security, error) {
	var s security
	for _, opt := range opts {
		switch opt {
		case "no-new-privileges":
			s.noNewPrivileges = true
			continue
		case "disable":
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
		default:
			return s, invalidf("invalid --security-opt 2: %q", opt)
		}
	}
	return s, nil
}

// seccompFor returns the seccomp filter for a spec whose capabilities are
// already set: the rules of Docker's profile that depend on a capability
// (e.g. the mount family with CAP_SYS_ADMIN) are kept or left out from the
// bounding set. nil means unconfined, which --privileged always is.
func seccompFor(sec security, privileged bool, s *specs.Spec) (*specs.LinuxSeccomp, error) {
	switch {
	case privileged, sec.seccomp == "unconfined":
		return nil, nil
	case sec.seccomp == "" || sec.seccomp == "builtin":
		return seccomp.GetDefaultProfile(s)
	}
	p, err := seccomp.LoadProfile(sec.seccomp, s)
	if err != nil {
		return nil, invalidf("%s", err)
	}
	return p, nil
}
