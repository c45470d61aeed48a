package spec

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func nsTypes(s *specs.Spec) map[specs.LinuxNamespaceType]string {
	m := map[specs.LinuxNamespaceType]string{}
	for _, n := range s.Linux.Namespaces {
		m[n.Type] = n.Path
	}
	return m
}

func TestNamespaces(t *testing.T) {
	all := []specs.LinuxNamespaceType{specs.MountNamespace, specs.PIDNamespace, specs.NetworkNamespace, specs.IPCNamespace, specs.UTSNamespace}
	tests := []struct {
		name    string
		v2      bool
		hc      container.HostConfig
		in      func(*Input)
		want    []specs.LinuxNamespaceType // private ones
		joined  map[specs.LinuxNamespaceType]string
		noHostN bool
		err     string
	}{
		{name: "v1 default: host cgroupns", want: all},
		{name: "v2 default: private cgroupns", v2: true, want: append(all, specs.CgroupNamespace)},
		{name: "cgroupns private on v1", hc: container.HostConfig{CgroupnsMode: "private"}, want: append(all, specs.CgroupNamespace)},
		{name: "cgroupns host on v2", v2: true, hc: container.HostConfig{CgroupnsMode: "host"}, want: all},
		{name: "pid host", hc: container.HostConfig{PidMode: "host"}, want: without(all, specs.PIDNamespace)},
		{name: "ipc host", hc: container.HostConfig{IpcMode: "host"}, want: without(all, specs.IPCNamespace)},
		{name: "ipc shareable", hc: container.HostConfig{IpcMode: "shareable"}, want: all},
		{name: "ipc private", hc: container.HostConfig{IpcMode: "private"}, want: all},
		{name: "uts host", hc: container.HostConfig{UTSMode: "host"}, want: without(all, specs.UTSNamespace), noHostN: true},
		{name: "net host", in: func(in *Input) { in.NetNSPath = "host" }, want: without(all, specs.NetworkNamespace)},
		{name: "net join", in: func(in *Input) { in.NetNSPath = "/run/netns/x" }, want: all,
			joined: map[specs.LinuxNamespaceType]string{specs.NetworkNamespace: "/run/netns/x"}},
		{name: "pid container", hc: container.HostConfig{PidMode: "container:abc"}, in: func(in *Input) { in.PidNSPath = "/proc/9/ns/pid" },
			want: all, joined: map[specs.LinuxNamespaceType]string{specs.PIDNamespace: "/proc/9/ns/pid"}},
		{name: "pid container without path", hc: container.HostConfig{PidMode: "container:abc"}, err: "no namespace path"},
		{name: "bad pid", hc: container.HostConfig{PidMode: "bogus"}, err: "invalid PID mode"},
		{name: "bad ipc", hc: container.HostConfig{IpcMode: "bogus"}, err: "invalid IPC mode"},
		{name: "bad cgroupns", hc: container.HostConfig{CgroupnsMode: "bogus"}, err: "invalid cgroup namespace mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeHost(t, allCaps, tt.v2)
			in := input(t, &tt.hc)
			if tt.in != nil {
				tt.in(&in)
			}
			s, err := Generate(in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errdefs.IsInvalidArgument(err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := nsTypes(s)
			if len(got) != len(tt.want) {
				t.Errorf("namespaces %v, want %v", got, tt.want)
			}
			for _, typ := range tt.want {
				if path, ok := got[typ]; !ok || path != tt.joined[typ] {
					t.Errorf("namespace %s: present %v path %q, want path %q", typ, ok, path, tt.joined[typ])
				}
			}
			if (s.Hostname == "") != tt.noHostN {
				t.Errorf("hostname %q with UTS %v", s.Hostname, !tt.noHostN)
			}
		})
	}
}

func without(list []specs.LinuxNamespaceType, drop specs.LinuxNamespaceType) []specs.LinuxNamespaceType {
	return slices.DeleteFunc(slices.Clone(list), func(t specs.LinuxNamespaceType) bool { return t == drop })
}

func TestSeccomp(t *testing.T) {
	fakeHost(t, allCaps, false)
	hasSyscall := func(s *specs.Spec, name string) bool {
		for _, sc := range s.Linux.Seccomp.Syscalls {
			if slices.Contains(sc.Names, name) && sc.Action == specs.ActAllow {
				return true
			}
		}
		return false
	}
	s := generate(t, input(t, nil))
	if s.Linux.Seccomp == nil || s.Linux.Seccomp.DefaultAction != specs.ActErrno {
		t.Fatalf("default seccomp = %+v, want Docker's profile", s.Linux.Seccomp)
	}
	if !hasSyscall(s, "read") || hasSyscall(s, "mount") {
		t.Error("default profile: read must be allowed, mount not (no CAP_SYS_ADMIN)")
	}
	// The capability-dependent rules follow --cap-add.
	s = generate(t, input(t, &container.HostConfig{CapAdd: []string{"SYS_ADMIN"}}))
	if !hasSyscall(s, "mount") {
		t.Error("with CAP_SYS_ADMIN the profile must allow mount")
	}
	for _, hc := range []*container.HostConfig{
		{SecurityOpt: []string{"seccomp=unconfined"}},
		{SecurityOpt: []string{"seccomp:unconfined"}},
		{Privileged: true},
		{Privileged: true, SecurityOpt: []string{"seccomp=builtin"}},
	} {
		if s := generate(t, input(t, hc)); s.Linux.Seccomp != nil {
			t.Errorf("%+v: seccomp set, want none", hc.SecurityOpt)
		}
	}
	custom := `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO"}]}`
	s = generate(t, input(t, &container.HostConfig{SecurityOpt: []string{"seccomp=" + custom}}))
	if s.Linux.Seccomp.DefaultAction != specs.ActAllow || len(s.Linux.Seccomp.Syscalls) != 1 {
		t.Errorf("custom profile = %+v", s.Linux.Seccomp)
	}
	if _, err := Generate(input(t, &container.HostConfig{SecurityOpt: []string{"seccomp={bad"}})); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad profile: %v", err)
	}
	// A profile of the client's own applies under --privileged too.
	s = generate(t, input(t, &container.HostConfig{Privileged: true, SecurityOpt: []string{"seccomp=" + custom}}))
	if s.Linux.Seccomp == nil || len(s.Linux.Seccomp.Syscalls) != 1 {
		t.Errorf("privileged with a custom profile: %+v", s.Linux.Seccomp)
	}
}

func TestWritableCgroups(t *testing.T) {
	fakeHost(t, allCaps, false)
	cgroupMode := func(hc *container.HostConfig) string {
		t.Helper()
		for _, m := range generate(t, input(t, hc)).Mounts {
			if m.Destination == "/sys/fs/cgroup" {
				return m.Options[len(m.Options)-1]
			}
		}
		t.Fatal("no cgroup mount")
		return ""
	}
	for _, tc := range []struct {
		hc   *container.HostConfig
		want string
	}{
		{&container.HostConfig{}, "ro"},
		{&container.HostConfig{SecurityOpt: []string{"writable-cgroups"}}, "rw"},
		{&container.HostConfig{SecurityOpt: []string{"writable-cgroups=true"}}, "rw"},
		{&container.HostConfig{Privileged: true}, "rw"},
		{&container.HostConfig{Privileged: true, SecurityOpt: []string{"writable-cgroups=false"}}, "ro"},
	} {
		if got := cgroupMode(tc.hc); got != tc.want {
			t.Errorf("%+v privileged %v: cgroup mount %s, want %s", tc.hc.SecurityOpt, tc.hc.Privileged, got, tc.want)
		}
	}
	if _, err := Generate(input(t, &container.HostConfig{SecurityOpt: []string{"writable-cgroups=dang"}})); err == nil ||
		err.Error() != `invalid --security-opt 2: "writable-cgroups=dang"` {
		t.Errorf("bad value: %v", err)
	}
}

func TestSecurityOpts(t *testing.T) {
	tests := []struct {
		opts []string
		nnp  bool
		err  string
	}{
		{opts: nil},
		{opts: []string{"no-new-privileges"}, nnp: true},
		{opts: []string{"no-new-privileges=true"}, nnp: true},
		{opts: []string{"no-new-privileges:false"}},
		{opts: []string{"label=disable", "apparmor=unconfined"}},
		{opts: []string{"no-new-privileges=maybe"}, err: `invalid --security-opt 2: "no-new-privileges=maybe"`},
		{opts: []string{"bogus=1"}, err: `invalid --security-opt 2: "bogus=1"`},
		{opts: []string{"bogus"}, err: `invalid --security-opt 1: "bogus"`},
	}
	fakeHost(t, allCaps, false)
	for _, tt := range tests {
		s, err := Generate(input(t, &container.HostConfig{SecurityOpt: tt.opts}))
		if tt.err != "" {
			if err == nil || err.Error() != tt.err || !errdefs.IsInvalidArgument(err) {
				t.Errorf("%v: err = %v, want %q", tt.opts, err, tt.err)
			}
			continue
		}
		if err != nil || s.Process.NoNewPrivileges != tt.nnp || s.Process.ApparmorProfile != "" {
			t.Errorf("%v: nnp %v apparmor %q err %v", tt.opts, s.Process.NoNewPrivileges, s.Process.ApparmorProfile, err)
		}
	}
	// The daemon's default, and a container's way out of it.
	for opts, want := range map[string]bool{"": true, "no-new-privileges=false": false} {
		in := input(t, &container.HostConfig{SecurityOpt: strings.Fields(opts)})
		in.NoNewPrivileges = true
		if s := generate(t, in); s.Process.NoNewPrivileges != want {
			t.Errorf("daemon default, opts %q: nnp %v", opts, s.Process.NoNewPrivileges)
		}
	}
}

func TestMaskedAndReadonlyPaths(t *testing.T) {
	fakeHost(t, allCaps, false)
	s := generate(t, input(t, nil))
	if !slices.Contains(s.Linux.MaskedPaths, "/proc/kcore") || !slices.Contains(s.Linux.ReadonlyPaths, "/proc/sys") {
		t.Errorf("masked %v readonly %v", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
	}
	s = generate(t, input(t, &container.HostConfig{Privileged: true}))
	if len(s.Linux.MaskedPaths)+len(s.Linux.ReadonlyPaths) != 0 {
		t.Errorf("privileged: masked %v readonly %v", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
	}
	s = generate(t, input(t, &container.HostConfig{MaskedPaths: []string{}, ReadonlyPaths: []string{"/proc/x"}}))
	if len(s.Linux.MaskedPaths) != 0 || !slices.Equal(s.Linux.ReadonlyPaths, []string{"/proc/x"}) {
		t.Errorf("explicit lists: masked %v readonly %v", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
	}
}

func TestSpecJSON(t *testing.T) {
	fakeHost(t, allCaps, false)
	s := generate(t, input(t, nil))
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(data, &back); err != nil || back["ociVersion"] != "1.0.2" {
		t.Errorf("ociVersion = %v (%v)", back["ociVersion"], err)
	}
	if s.Linux.CgroupsPath != "/berth/c1" || s.Hostname != "c1host" || s.Root.Readonly {
		t.Errorf("cgroupsPath %q hostname %q readonly %v", s.Linux.CgroupsPath, s.Hostname, s.Root.Readonly)
	}
	if len(s.Process.Rlimits) != 0 {
		t.Errorf("default rlimits %v, want none", s.Process.Rlimits)
	}
}
