package spec

import (
	"slices"
	"testing"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func mountAt(s *specs.Spec, dest string) *specs.Mount {
	for i := range s.Mounts {
		if s.Mounts[i].Destination == dest {
			return &s.Mounts[i]
		}
	}
	return nil
}

func TestDefaultMounts(t *testing.T) {
	fakeHost(t, allCaps, false)
	s := generate(t, input(t, nil))
	want := map[string][]string{
		"/proc":          {"nosuid", "noexec", "nodev"},
		"/dev":           {"nosuid", "strictatime", "mode=755", "size=65536k"},
		"/dev/pts":       {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"},
		"/dev/shm":       {"nosuid", "noexec", "nodev", "mode=1777", "size=67108864"},
		"/dev/mqueue":    {"nosuid", "noexec", "nodev"},
		"/sys":           {"nosuid", "noexec", "nodev", "ro"},
		"/sys/fs/cgroup": {"nosuid", "noexec", "nodev", "ro"},
	}
	if len(s.Mounts) != len(want) {
		t.Errorf("%d mounts, want %d: %+v", len(s.Mounts), len(want), s.Mounts)
	}
	for dest, opts := range want {
		m := mountAt(s, dest)
		if m == nil || !slices.Equal(m.Options, opts) {
			t.Errorf("%s: %+v, want options %v", dest, m, opts)
		}
	}
}

func TestMountOptions(t *testing.T) {
	tests := []struct {
		name  string
		hc    container.HostConfig
		in    func(*Input)
		check func(t *testing.T, s *specs.Spec)
	}{
		{name: "shm size", hc: container.HostConfig{ShmSize: 1 << 20}, check: func(t *testing.T, s *specs.Spec) {
			if m := mountAt(s, "/dev/shm"); m == nil || !slices.Contains(m.Options, "size=1048576") {
				t.Errorf("/dev/shm %+v", m)
			}
		}},
		{name: "ipc none has no shm", hc: container.HostConfig{IpcMode: "none"}, check: func(t *testing.T, s *specs.Spec) {
			if m := mountAt(s, "/dev/shm"); m != nil {
				t.Errorf("/dev/shm %+v", m)
			}
		}},
		{name: "ipc host binds the host's shm", hc: container.HostConfig{IpcMode: "host"}, check: func(t *testing.T, s *specs.Spec) {
			if m := mountAt(s, "/dev/shm"); m == nil || m.Source != "/dev/shm" || m.Type != "bind" {
				t.Errorf("/dev/shm %+v", m)
			}
		}},
		{name: "shareable shm from the daemon", hc: container.HostConfig{IpcMode: "shareable"},
			in: func(in *Input) { in.ShmPath = "/var/lib/berth/containers/c1/shm" }, check: func(t *testing.T, s *specs.Spec) {
				if m := mountAt(s, "/dev/shm"); m == nil || m.Source != "/var/lib/berth/containers/c1/shm" {
					t.Errorf("/dev/shm %+v", m)
				}
			}},
		{name: "privileged sys rw", hc: container.HostConfig{Privileged: true}, check: func(t *testing.T, s *specs.Spec) {
			for _, d := range []string{"/sys", "/sys/fs/cgroup"} {
				if m := mountAt(s, d); m == nil || !slices.Contains(m.Options, "rw") {
					t.Errorf("%s %+v", d, m)
				}
			}
		}},
		{name: "read-only root and etc files", hc: container.HostConfig{ReadonlyRootfs: true},
			in: func(in *Input) {
				in.EtcFiles = map[string]string{"/etc/hosts": "/c/hosts", "/etc/resolv.conf": "/c/resolv"}
			},
			check: func(t *testing.T, s *specs.Spec) {
				m := mountAt(s, "/etc/hosts")
				if !s.Root.Readonly || m == nil || m.Source != "/c/hosts" || !slices.Contains(m.Options, "ro") {
					t.Errorf("root ro %v, /etc/hosts %+v", s.Root.Readonly, m)
				}
			}},
		{name: "etc files writable", in: func(in *Input) { in.EtcFiles = map[string]string{"/etc/hostname": "/c/hostname"} },
			check: func(t *testing.T, s *specs.Spec) {
				if m := mountAt(s, "/etc/hostname"); m == nil || slices.Contains(m.Options, "ro") || m.Type != "bind" {
					t.Errorf("/etc/hostname %+v", m)
				}
			}},
		{name: "user mounts replace defaults, parents first", in: func(in *Input) {
			in.Mounts = []specs.Mount{
				{Destination: "/data/sub", Type: "bind", Source: "/b"},
				{Destination: "/dev/shm", Type: "tmpfs", Source: "tmpfs"},
				{Destination: "/data", Type: "bind", Source: "/a"},
			}
		}, check: func(t *testing.T, s *specs.Spec) {
			n, data, sub := 0, -1, -1
			for i, m := range s.Mounts {
				switch m.Destination {
				case "/dev/shm":
					n++
				case "/data":
					data = i
				case "/data/sub":
					sub = i
				}
			}
			if n != 1 || mountAt(s, "/dev/shm").Source != "tmpfs" || data < 0 || sub < data {
				t.Errorf("mounts %+v", s.Mounts)
			}
		}},
		{name: "user /dev replaces every /dev default", in: func(in *Input) {
			in.Mounts = []specs.Mount{{Destination: "/dev", Type: "bind", Source: "/dev"}}
		}, check: func(t *testing.T, s *specs.Spec) {
			for _, d := range []string{"/dev/pts", "/dev/shm", "/dev/mqueue"} {
				if mountAt(s, d) != nil {
					t.Errorf("%s still mounted", d)
				}
			}
		}},
		{name: "init binary", in: func(in *Input) {
			yes := true
			in.HostConfig.Init, in.InitPath = &yes, "/usr/bin/tini"
		}, check: func(t *testing.T, s *specs.Spec) {
			if m := mountAt(s, InitDest); m == nil || m.Source != "/usr/bin/tini" || !slices.Contains(m.Options, "ro") {
				t.Errorf("init mount %+v", m)
			}
		}},
	}
	fakeHost(t, allCaps, false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input(t, &tt.hc)
			if tt.in != nil {
				tt.in(&in)
			}
			tt.check(t, generate(t, in))
		})
	}
}
