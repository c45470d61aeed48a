package spec

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func i64(v int64) *int64 { return &v }

func TestResources(t *testing.T) {
	yes := true
	tests := []struct {
		name  string
		v2    bool
		r     container.Resources
		check func(t *testing.T, r *specs.LinuxResources)
		err   string
	}{
		{name: "none", check: func(t *testing.T, r *specs.LinuxResources) {
			if r.Memory != nil || r.CPU != nil || r.Pids != nil || r.BlockIO != nil {
				t.Errorf("%+v", r)
			}
		}},
		{name: "memory", r: container.Resources{Memory: 64 << 20, MemorySwap: 128 << 20, MemoryReservation: 32 << 20, OomKillDisable: &yes},
			check: func(t *testing.T, r *specs.LinuxResources) {
				m := r.Memory
				if *m.Limit != 64<<20 || *m.Swap != 128<<20 || *m.Reservation != 32<<20 || !*m.DisableOOMKiller {
					t.Errorf("%+v", m)
				}
			}},
		// Docker gives the runtime only a real swap limit; without one the
		// runtime leaves swap unlimited, which is what -1 asks for.
		{name: "unlimited swap", r: container.Resources{Memory: 64 << 20, MemorySwap: -1},
			check: func(t *testing.T, r *specs.LinuxResources) {
				if r.Memory.Swap != nil || *r.Memory.Limit != 64<<20 {
					t.Errorf("%+v", r.Memory)
				}
			}},
		{name: "oom-kill-disable ignored on v2", v2: true, r: container.Resources{Memory: 64 << 20, OomKillDisable: &yes},
			check: func(t *testing.T, r *specs.LinuxResources) {
				if r.Memory.DisableOOMKiller != nil {
					t.Errorf("%+v", r.Memory)
				}
			}},
		{name: "cpus", r: container.Resources{NanoCPUs: 500000000, CPUShares: 512, CpusetCpus: "0", CpusetMems: "0"},
			check: func(t *testing.T, r *specs.LinuxResources) {
				c := r.CPU
				if *c.Period != 100000 || *c.Quota != 50000 || *c.Shares != 512 || c.Cpus != "0" || c.Mems != "0" {
					t.Errorf("%+v", c)
				}
			}},
		{name: "cpu period and quota", r: container.Resources{CPUPeriod: 50000, CPUQuota: 25000},
			check: func(t *testing.T, r *specs.LinuxResources) {
				if *r.CPU.Period != 50000 || *r.CPU.Quota != 25000 {
					t.Errorf("%+v", r.CPU)
				}
			}},
		{name: "pids", r: container.Resources{PidsLimit: i64(100)}, check: func(t *testing.T, r *specs.LinuxResources) {
			if *r.Pids.Limit != 100 {
				t.Errorf("%+v", r.Pids)
			}
		}},
		// 0 and -1 both lift the limit; the runtime is told -1, as Docker does.
		{name: "pids unlimited", r: container.Resources{PidsLimit: i64(-1)}, check: func(t *testing.T, r *specs.LinuxResources) {
			if r.Pids == nil || *r.Pids.Limit != -1 {
				t.Errorf("%+v", r.Pids)
			}
		}},
		{name: "pids zero", r: container.Resources{PidsLimit: i64(0)}, check: func(t *testing.T, r *specs.LinuxResources) {
			if r.Pids == nil || *r.Pids.Limit != -1 {
				t.Errorf("%+v", r.Pids)
			}
		}},
		// --cpus wins over a quota of -1 (the only quota allowed beside it).
		{name: "cpus beside unlimited quota", r: container.Resources{NanoCPUs: 1e9, CPUQuota: -1},
			check: func(t *testing.T, r *specs.LinuxResources) {
				if *r.CPU.Period != 100000 || *r.CPU.Quota != 100000 {
					t.Errorf("%+v", r.CPU)
				}
			}},
		{name: "unlimited quota", r: container.Resources{CPUQuota: -1},
			check: func(t *testing.T, r *specs.LinuxResources) {
				if r.CPU.Period != nil || *r.CPU.Quota != -1 {
					t.Errorf("%+v", r.CPU)
				}
			}},
		{name: "blkio weight", r: container.Resources{BlkioWeight: 300}, check: func(t *testing.T, r *specs.LinuxResources) {
			if *r.BlockIO.Weight != 300 {
				t.Errorf("%+v", r.BlockIO)
			}
		}},
		{name: "tiny memory", r: container.Resources{Memory: 1 << 20}, err: "Minimum memory limit allowed is 6MB"},
		{name: "swap without memory", r: container.Resources{MemorySwap: 1 << 30}, err: "You should always set the Memory limit when using Memoryswap limit"},
		{name: "swap below memory", r: container.Resources{Memory: 64 << 20, MemorySwap: 32 << 20}, err: "Minimum memoryswap limit should be larger than memory limit"},
		{name: "reservation above limit", r: container.Resources{Memory: 64 << 20, MemoryReservation: 128 << 20}, err: "can not be less than memory reservation"},
		{name: "cpus and period", r: container.Resources{NanoCPUs: 1e9, CPUPeriod: 100000}, err: "Conflicting options"},
		{name: "too many cpus", r: container.Resources{NanoCPUs: int64(runtime.NumCPU()+1) * 1e9}, err: "Range of CPUs is from 0.01"},
		{name: "blkio weight range", r: container.Resources{BlkioWeight: 5}, err: "Range of blkio weight is from 10 to 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeHost(t, allCaps, tt.v2)
			s, err := Generate(input(t, &container.HostConfig{Resources: tt.r}))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errdefs.IsInvalidArgument(err) {
					t.Fatalf("err = %v, want invalid argument %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s.Linux.Resources)
		})
	}
}

func TestUpdateResources(t *testing.T) {
	tests := []struct {
		name string
		r    container.Resources
		want string
	}{
		{name: "empty", want: "{}"},
		{name: "limits", r: container.Resources{Memory: 64 << 20, NanoCPUs: 1.5e9, CPUShares: 256, PidsLimit: i64(0), BlkioWeight: 300, CpusetCpus: "0"},
			want: `{"memory":{"limit":67108864},"cpu":{"shares":256,"quota":150000,"period":100000,"cpus":"0"},"pids":{"limit":-1},"blockIO":{"weight":300}}`},
		// An update of the period alone keeps the quota the runtime has.
		{name: "period alone", r: container.Resources{CPUPeriod: 50000}, want: `{"cpu":{"period":50000}}`},
		{name: "swap", r: container.Resources{MemorySwap: 128 << 20}, want: `{"memory":{"swap":134217728}}`},
		{name: "unlimited swap", r: container.Resources{Memory: 64 << 20, MemorySwap: -1}, want: `{"memory":{"limit":67108864}}`},
		{name: "cpus beside unlimited quota", r: container.Resources{NanoCPUs: 5e8, CPUQuota: -1}, want: `{"cpu":{"quota":50000,"period":100000}}`},
		// Docker leaves these as the container started with them.
		{name: "not updated live", r: container.Resources{MemorySwappiness: i64(10), OomKillDisable: new(true), CPURealtimePeriod: 1000, CPURealtimeRuntime: 100},
			want: "{}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := UpdateResources(tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if data, _ := json.Marshal(r); string(data) != tt.want {
				t.Errorf("got  %s\nwant %s", data, tt.want)
			}
		})
	}
}

func TestDevices(t *testing.T) {
	fakeHost(t, allCaps, false)
	s := generate(t, input(t, nil))
	rules := s.Linux.Resources.Devices
	if len(rules) < 2 || rules[0].Allow || rules[0].Access != "rwm" || rules[0].Type != "" || len(s.Linux.Devices) != 0 {
		t.Fatalf("default rules must start with deny-all: %+v, devices %+v", rules, s.Linux.Devices)
	}
	hc := &container.HostConfig{}
	hc.Devices = []container.DeviceMapping{{PathOnHost: "/dev/null", PathInContainer: "/dev/mynull", CgroupPermissions: "rw"}}
	hc.DeviceCgroupRules = []string{"c 42:* rmw"}
	s = generate(t, input(t, hc))
	d := s.Linux.Devices
	if len(d) != 1 || d[0].Path != "/dev/mynull" || d[0].Type != "c" || d[0].Major != 1 || d[0].Minor != 3 {
		t.Fatalf("devices %+v", d)
	}
	rules = s.Linux.Resources.Devices
	last, prev := rules[len(rules)-1], rules[len(rules)-2]
	if prev.Access != "rw" || *prev.Major != 1 || *prev.Minor != 3 || !prev.Allow ||
		last.Access != "rmw" || *last.Major != 42 || last.Minor != nil || last.Type != "c" {
		t.Errorf("rules %+v %+v", prev, last)
	}

	for _, bad := range []*container.HostConfig{
		{Resources: container.Resources{Devices: []container.DeviceMapping{{PathOnHost: "/etc/passwd"}}}},
		{Resources: container.Resources{Devices: []container.DeviceMapping{{PathOnHost: "/dev/null", CgroupPermissions: "rx"}}}},
		{Resources: container.Resources{DeviceCgroupRules: []string{"x 1:2 rwm"}}},
		{Resources: container.Resources{DeviceCgroupRules: []string{"c 1 rwm"}}},
	} {
		if _, err := Generate(input(t, bad)); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%+v: err = %v, want invalid argument", bad.Resources, err)
		}
	}

	s = generate(t, input(t, &container.HostConfig{Privileged: true}))
	rules = s.Linux.Resources.Devices
	if len(rules) != 1 || !rules[0].Allow || len(s.Linux.Devices) == 0 {
		t.Errorf("privileged: rules %+v, %d devices", rules, len(s.Linux.Devices))
	}
}

func TestSysctls(t *testing.T) {
	fakeHost(t, allCaps, false)
	tests := []struct {
		sysctls map[string]string
		hc      container.HostConfig
		netHost bool
		err     string
	}{
		{sysctls: map[string]string{"net.ipv4.ip_forward": "1", "kernel.shmmax": "1", "kernel.msgmax": "1", "kernel.sem": "1 2 3 4", "fs.mqueue.msg_max": "1"}},
		{sysctls: map[string]string{"kernel.domainname": "x"}, err: `sysctl "kernel.domainname" is not allowed`},
		{sysctls: map[string]string{"vm.swappiness": "1"}, err: `sysctl "vm.swappiness" is not allowed`},
		{sysctls: map[string]string{"net.ipv4.ip_forward": "1"}, netHost: true, err: "host network namespace"},
		{sysctls: map[string]string{"kernel.shmmax": "1"}, hc: container.HostConfig{IpcMode: "host"}, err: "host IPC namespace"},
	}
	for _, tt := range tests {
		tt.hc.Sysctls = tt.sysctls
		in := input(t, &tt.hc)
		if tt.netHost {
			in.NetNSPath = "host"
		}
		s, err := Generate(in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !errdefs.IsInvalidArgument(err) {
				t.Errorf("%v: err = %v, want %q", tt.sysctls, err, tt.err)
			}
			continue
		}
		if err != nil || len(s.Linux.Sysctl) != len(tt.sysctls) {
			t.Errorf("%v: %v, %v", tt.sysctls, s.Linux.Sysctl, err)
		}
	}
}

func TestUlimits(t *testing.T) {
	fakeHost(t, allCaps, false)
	ok := []*container.Ulimit{{Name: "nofile", Soft: 100, Hard: 200}, {Name: "CORE", Soft: 0, Hard: 0}}
	s := generate(t, input(t, &container.HostConfig{Resources: container.Resources{Ulimits: ok}}))
	want := []specs.POSIXRlimit{{Type: "RLIMIT_CORE"}, {Type: "RLIMIT_NOFILE", Soft: 100, Hard: 200}}
	if len(s.Process.Rlimits) != 2 || s.Process.Rlimits[0] != want[0] || s.Process.Rlimits[1] != want[1] {
		t.Errorf("rlimits %+v, want %+v", s.Process.Rlimits, want)
	}
	old := canRaiseHardLimits
	canRaiseHardLimits = func() bool { return false }
	t.Cleanup(func() { canRaiseHardLimits = old })
	for _, bad := range [][]*container.Ulimit{
		{{Name: "bogus", Soft: 1, Hard: 1}},
		{{Name: "nofile", Soft: 10, Hard: 5}},
		{{Name: "nofile", Soft: 1, Hard: 1 << 40}},
	} {
		if _, err := Generate(input(t, &container.HostConfig{Resources: container.Resources{Ulimits: bad}})); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%+v: err = %v, want invalid argument", *bad[0], err)
		}
	}
}
