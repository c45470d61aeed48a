package spec

import (
	"path"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// DefaultPath is $PATH when neither the image nor the user sets one.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Process builds the process for `docker exec`: cmd runs as user (the
// container's user when empty) in workdir (the container's, else "/"),
// with the container's environment plus env, and the container's
// capabilities, or all of the host's when privileged.
func Process(in Input, cmd []string, user, workdir string, env []string, tty, privileged bool) (*specs.Process, error) {
	if in.Config == nil || in.HostConfig == nil {
		return nil, invalidf("spec: Config and HostConfig are required")
	}
	if len(cmd) == 0 {
		return nil, invalidf("No exec command specified")
	}
	if user == "" {
		user = in.Config.User
	}
	if workdir == "" {
		workdir = in.Config.WorkingDir
	}
	sec, err := parseSecurityOpts(in.HostConfig.SecurityOpt, in.NoNewPrivileges)
	if err != nil {
		return nil, err
	}
	return buildProcess(in, append([]string(nil), cmd...), user, workdir, env, tty,
		privileged || in.HostConfig.Privileged, sec)
}

// buildProcess is the part of a process the init and an exec share.
func buildProcess(in Input, args []string, user, workdir string, extraEnv []string, tty, privileged bool, sec security) (*specs.Process, error) {
	hc := in.HostConfig
	if workdir == "" {
		workdir = "/"
	}
	if !path.IsAbs(workdir) {
		return nil, invalidf("the working directory '%s' is invalid, it needs to be an absolute path", workdir)
	}
	if hc.OomScoreAdj < -1000 || hc.OomScoreAdj > 1000 {
		return nil, invalidf("Invalid value %d, range for oom score adj is [-1000, 1000]", hc.OomScoreAdj)
	}
	u, err := LookupUser(in.Rootfs, user, hc.GroupAdd)
	if err != nil {
		return nil, err
	}
	caps, err := Capabilities(privileged, hc.CapAdd, hc.CapDrop)
	if err != nil {
		return nil, err
	}
	rl, err := rlimits(hc.Ulimits)
	if err != nil {
		return nil, err
	}
	hostname := in.Hostname
	if hostname == "" {
		hostname = in.Config.Hostname
	}
	env := Env(hostname, tty, in.Config.Env, extraEnv)
	if !hasEnv(env, "HOME") {
		env = append(env, "HOME="+u.Home)
	}
	oom := hc.OomScoreAdj
	p := &specs.Process{
		Terminal: tty,
		User:     specs.User{UID: u.UID, GID: u.GID, AdditionalGids: u.Groups, Umask: hc.Umask},
		Args:     args,
		Env:      env,
		Cwd:      path.Clean(workdir),
		// Inheritable and ambient stay empty: a file capability or a
		// non-root exec must not pick up more than the bounding set says.
		Capabilities: &specs.LinuxCapabilities{
			Bounding:  caps,
			Effective: append([]string(nil), caps...),
			Permitted: append([]string(nil), caps...),
		},
		Rlimits:         rl,
		NoNewPrivileges: sec.noNewPrivileges,
		OOMScoreAdj:     &oom,
	}
	if sec.apparmor != "" && sec.apparmor != "unconfined" {
		p.ApparmorProfile = sec.apparmor
	}
	if tty && hc.ConsoleSize[0] > 0 && hc.ConsoleSize[1] > 0 {
		p.ConsoleSize = &specs.Box{Height: hc.ConsoleSize[0], Width: hc.ConsoleSize[1]}
	}
	return p, nil
}

// Env is a process's environment as Docker builds it: PATH (DefaultPath),
// HOSTNAME and, with a TTY, TERM=xterm, then each layer of overrides
// replacing a variable of the same name or adding it. An override without
// "=" removes the variable.
func Env(hostname string, tty bool, layers ...[]string) []string {
	env := []string{"PATH=" + DefaultPath, "HOSTNAME=" + hostname}
	if tty {
		env = append(env, "TERM=xterm")
	}
	for _, layer := range layers {
		for _, kv := range layer {
			key, _, hasValue := strings.Cut(kv, "=")
			i := envIndex(env, key)
			switch {
			case !hasValue && i >= 0:
				env = append(env[:i], env[i+1:]...)
			case !hasValue:
			case i >= 0:
				env[i] = kv
			default:
				env = append(env, kv)
			}
		}
	}
	return env
}

func envIndex(env []string, key string) int {
	for i, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			return i
		}
	}
	return -1
}

func hasEnv(env []string, key string) bool { return envIndex(env, key) >= 0 }
