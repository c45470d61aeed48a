package spec

import (
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

func TestEnv(t *testing.T) {
	tests := []struct {
		name   string
		tty    bool
		layers [][]string
		want   []string
	}{
		{name: "defaults", want: []string{"PATH=" + DefaultPath, "HOSTNAME=h"}},
		{name: "tty", tty: true, want: []string{"PATH=" + DefaultPath, "HOSTNAME=h", "TERM=xterm"}},
		{name: "image PATH wins", layers: [][]string{{"PATH=/x", "A=1"}}, want: []string{"PATH=/x", "HOSTNAME=h", "A=1"}},
		{name: "later layer overrides", layers: [][]string{{"A=1", "B=2"}, {"A=3"}}, want: []string{"PATH=" + DefaultPath, "HOSTNAME=h", "A=3", "B=2"}},
		{name: "bare name unsets", layers: [][]string{{"A=1"}, {"A", "HOSTNAME", "C"}}, want: []string{"PATH=" + DefaultPath}},
		{name: "value with =", layers: [][]string{{"A=b=c"}}, want: []string{"PATH=" + DefaultPath, "HOSTNAME=h", "A=b=c"}},
	}
	for _, tt := range tests {
		if got := Env("h", tt.tty, tt.layers...); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestProcess(t *testing.T) {
	fakeHost(t, allCaps, false)
	yes := true
	umask := uint32(0o027)
	tests := []struct {
		name string
		cfg  container.Config
		hc   container.HostConfig
		args []string
		cwd  string
		home string
		err  string
	}{
		{name: "entrypoint and cmd", cfg: container.Config{Entrypoint: []string{"/bin/ep", "-x"}, Cmd: []string{"a"}},
			args: []string{"/bin/ep", "-x", "a"}, cwd: "/", home: "HOME=/root"},
		{name: "cmd only with workdir", cfg: container.Config{Cmd: []string{"ls"}, WorkingDir: "/srv/"},
			args: []string{"ls"}, cwd: "/srv", home: "HOME=/root"},
		{name: "HOME from env kept", cfg: container.Config{Cmd: []string{"ls"}, Env: []string{"HOME=/h"}},
			args: []string{"ls"}, cwd: "/", home: "HOME=/h"},
		{name: "init", cfg: container.Config{Cmd: []string{"sleep", "1"}}, hc: container.HostConfig{Init: &yes},
			args: []string{InitDest, "--", "sleep", "1"}, cwd: "/", home: "HOME=/root"},
		{name: "no command", err: "No command specified"},
		{name: "relative workdir", cfg: container.Config{Cmd: []string{"ls"}, WorkingDir: "srv"},
			err: "the working directory 'srv' is invalid, it needs to be an absolute path"},
		{name: "oom score range", cfg: container.Config{Cmd: []string{"ls"}}, hc: container.HostConfig{OomScoreAdj: 1001},
			err: "range for oom score adj is [-1000, 1000]"},
		{name: "unknown user", cfg: container.Config{Cmd: []string{"ls"}, User: "bob"},
			err: "unable to find user bob: no matching entries in passwd file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.hc.Umask = &umask
			in := input(t, &tt.hc)
			in.Config = &tt.cfg
			in.InitPath = "/usr/libexec/berth-init"
			s, err := Generate(in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errdefs.IsInvalidArgument(err) {
					t.Fatalf("err = %v, want invalid argument %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := s.Process
			if !slices.Equal(p.Args, tt.args) || p.Cwd != tt.cwd || !slices.Contains(p.Env, tt.home) {
				t.Errorf("args %q cwd %q env %q", p.Args, p.Cwd, p.Env)
			}
			if p.User.Umask == nil || *p.User.Umask != umask || p.OOMScoreAdj == nil {
				t.Errorf("umask %v oomScoreAdj %v", p.User.Umask, p.OOMScoreAdj)
			}
		})
	}
}

func TestInitWithoutBinary(t *testing.T) {
	fakeHost(t, allCaps, false)
	yes := true
	if _, err := Generate(input(t, &container.HostConfig{Init: &yes})); !errdefs.IsUnavailable(err) {
		t.Errorf("err = %v, want unavailable", err)
	}
}

func TestTerminal(t *testing.T) {
	fakeHost(t, allCaps, false)
	in := input(t, &container.HostConfig{ConsoleSize: [2]uint{24, 80}})
	in.Config.Tty = true
	s := generate(t, in)
	if !s.Process.Terminal || !slices.Contains(s.Process.Env, "TERM=xterm") ||
		s.Process.ConsoleSize == nil || s.Process.ConsoleSize.Height != 24 || s.Process.ConsoleSize.Width != 80 {
		t.Errorf("terminal %v console %+v env %q", s.Process.Terminal, s.Process.ConsoleSize, s.Process.Env)
	}
}

func TestExecProcess(t *testing.T) {
	fakeHost(t, allCaps, false)
	in := input(t, &container.HostConfig{CapAdd: []string{"NET_ADMIN"}, SecurityOpt: []string{"no-new-privileges"}})
	in.Rootfs = fakeRootfs(t, testPasswd, testGroup)
	in.Config = &container.Config{Cmd: []string{"sh"}, User: "alice", WorkingDir: "/work", Env: []string{"A=1", "B=2"}}

	p, err := Process(in, []string{"id"}, "", "", []string{"B=3"}, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if p.User.UID != 1000 || p.Cwd != "/work" || !p.Terminal || !p.NoNewPrivileges {
		t.Errorf("uid %d cwd %q tty %v nnp %v", p.User.UID, p.Cwd, p.Terminal, p.NoNewPrivileges)
	}
	for _, kv := range []string{"A=1", "B=3", "TERM=xterm", "HOME=/home/alice", "HOSTNAME=c1host"} {
		if !slices.Contains(p.Env, kv) {
			t.Errorf("env %q lacks %s", p.Env, kv)
		}
	}
	if !slices.Contains(p.Capabilities.Bounding, "CAP_NET_ADMIN") || slices.Contains(p.Capabilities.Bounding, "CAP_SYS_ADMIN") {
		t.Errorf("exec caps %v, want the container's", p.Capabilities.Bounding)
	}

	p, err = Process(in, []string{"id"}, "root", "/tmp", nil, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if p.User.UID != 0 || p.Cwd != "/tmp" || !slices.Equal(p.Capabilities.Effective, allCaps) || slices.Contains(p.Env, "TERM=xterm") {
		t.Errorf("privileged exec: uid %d cwd %q caps %v env %q", p.User.UID, p.Cwd, p.Capabilities.Effective, p.Env)
	}
	if _, err := Process(in, nil, "", "", nil, false, false); !errdefs.IsInvalidArgument(err) {
		t.Errorf("empty exec command: %v", err)
	}
	if _, err := Process(in, []string{"id"}, "ghost", "", nil, false, false); err == nil || !strings.Contains(err.Error(), "unable to find user ghost") {
		t.Errorf("unknown exec user: %v", err)
	}
}
