package spec

import (
	"path/filepath"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// OCIVersion is the runtime-spec version written in config.json. crun
// 1.8.1 refuses versions newer than it knows, and nothing Berth sets needs
// a newer one.
const OCIVersion = "1.0.2"

// Input is everything Generate needs to know about one container.
type Input struct {
	ID         string
	Config     *container.Config     // already merged with the image config by the daemon
	HostConfig *container.HostConfig //
	Rootfs     string                // the mounted overlay, an absolute host path
	Hostname   string                // the container's hostname (also $HOSTNAME)
	// EtcFiles maps a container path (/etc/hosts, /etc/hostname,
	// /etc/resolv.conf) to the host file bound there.
	EtcFiles map[string]string
	// Mounts are the volumes, binds and tmpfs the daemon prepared; they
	// come after the defaults and replace a default at the same place.
	Mounts []specs.Mount
	// NetNSPath is "" for a new network namespace, "host" to share the
	// host's, or the path of a namespace to join.
	NetNSPath   string
	CgroupsPath string // e.g. "/berth/<id>"
	// InitPath is the host path of the init binary for --init, bound
	// read-only at InitDest.
	InitPath string
	// PidNSPath and IpcNSPath are the namespaces to join for
	// --pid/--ipc container:<id> (/proc/<pid>/ns/pid of that container).
	PidNSPath string
	IpcNSPath string
	// ShmPath, when set, is a host directory (a tmpfs the daemon made) bound
	// at /dev/shm instead of a private tmpfs: for --ipc shareable, so that
	// containers joining the IPC namespace see the same /dev/shm, and for
	// --ipc container:<id>.
	ShmPath string
	// NoNewPrivileges is the daemon's default (dockerd's
	// no-new-privileges); --security-opt no-new-privileges=false overrides.
	NoNewPrivileges bool
}

// Generate builds the OCI runtime spec of a container: its init process,
// root, mounts, namespaces, cgroup resources and security settings, with
// Docker's defaults where HostConfig says nothing.
func Generate(in Input) (*specs.Spec, error) {
	if in.Config == nil || in.HostConfig == nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage("spec: Config and HostConfig are required")
	}
	if !filepath.IsAbs(in.Rootfs) {
		return nil, invalidf("spec: rootfs %q is not an absolute path", in.Rootfs)
	}
	hc := in.HostConfig
	args := append(append([]string(nil), in.Config.Entrypoint...), in.Config.Cmd...)
	if len(args) == 0 {
		return nil, invalidf("No command specified")
	}
	withInit := hc.Init != nil && *hc.Init
	if withInit {
		if in.InitPath == "" {
			return nil, errdefs.ErrUnavailable.WithMessage("--init: the daemon has no init binary configured")
		}
		// The init reaps zombies and forwards signals; "--" ends its flags.
		args = append([]string{InitDest, "--"}, args...)
	}
	sec, err := parseSecurityOpts(hc.SecurityOpt, in.NoNewPrivileges)
	if err != nil {
		return nil, err
	}
	ns, err := namespaces(in)
	if err != nil {
		return nil, err
	}
	proc, err := buildProcess(in, args, in.Config.User, in.Config.WorkingDir, nil, in.Config.Tty, hc.Privileged, sec)
	if err != nil {
		return nil, err
	}
	devs, rules, err := devices(hc)
	if err != nil {
		return nil, err
	}
	res, err := resources(hc.Resources, cgroupV2())
	if err != nil {
		return nil, err
	}
	res.Devices = rules
	sysctl, err := sysctls(in, ns)
	if err != nil {
		return nil, err
	}
	masked, readonly := maskedAndReadonly(in)

	s := &specs.Spec{
		Version:     OCIVersion,
		Process:     proc,
		Root:        &specs.Root{Path: in.Rootfs, Readonly: hc.ReadonlyRootfs},
		Mounts:      mounts(in, ns, withInit),
		Annotations: hc.Annotations,
		Linux: &specs.Linux{
			Namespaces:    ns,
			Devices:       devs,
			Resources:     res,
			CgroupsPath:   in.CgroupsPath,
			Sysctl:        sysctl,
			MaskedPaths:   masked,
			ReadonlyPaths: readonly,
		},
	}
	setCgroupsWritable(s.Mounts, sec, hc.Privileged)
	// With the host's UTS namespace the runtime must not set a hostname.
	if hasNamespace(ns, specs.UTSNamespace) {
		s.Hostname = in.Hostname
		s.Domainname = in.Config.Domainname
	}
	// After the capabilities: the profile's capability rules read them.
	if s.Linux.Seccomp, err = seccompFor(sec, hc.Privileged, s); err != nil {
		return nil, err
	}
	return s, nil
}
