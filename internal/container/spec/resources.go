package spec

import (
	"runtime"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// minMemory is the smallest -m Docker accepts: below it a container
// cannot even start its runtime's init.
const minMemory = 6 << 20

// cpuPeriod is the CFS period --cpus is expressed in (100ms, the kernel's
// default).
const cpuPeriod = 100000

// resources checks HostConfig's cgroup limits as Docker does at create and
// maps them to the spec.
func resources(r container.Resources, v2 bool) (*specs.LinuxResources, error) {
	if err := checkResources(r); err != nil {
		return nil, err
	}
	return mapResources(r, v2)
}

// UpdateResources is the OCI form of the limits a `docker update` gives a
// running container: what it leaves out (zero), the runtime leaves as it
// is. Like Docker, an update does not touch swappiness, the OOM killer or
// the realtime budget of a running container; the caller has checked the
// values already, against what the container has.
func UpdateResources(r container.Resources) (*specs.LinuxResources, error) {
	r.MemorySwappiness, r.OomKillDisable = nil, nil
	r.CPURealtimePeriod, r.CPURealtimeRuntime = 0, 0
	return mapResources(r, false)
}

// mapResources is the one mapping of HostConfig's cgroup limits to the
// spec, for create and update alike; a zero field is left out. The same
// fields serve cgroup v1 and v2: the runtime converts (shares to weight,
// swap to swap.max) on v2.
func mapResources(r container.Resources, v2 bool) (*specs.LinuxResources, error) {
	out := &specs.LinuxResources{}

	mem := &specs.LinuxMemory{}
	if r.Memory > 0 {
		mem.Limit = &r.Memory
	}
	// As Docker: only a real swap limit goes to the runtime; -1
	// (unlimited) is what the runtime does without one.
	if r.MemorySwap > 0 {
		mem.Swap = &r.MemorySwap
	}
	if r.MemoryReservation > 0 {
		mem.Reservation = &r.MemoryReservation
	}
	if r.MemorySwappiness != nil && *r.MemorySwappiness >= 0 {
		v := uint64(*r.MemorySwappiness)
		mem.Swappiness = &v
	}
	// cgroup v2 has no way to disable the OOM killer; Docker ignores the
	// flag there too.
	if r.OomKillDisable != nil && *r.OomKillDisable && !v2 {
		mem.DisableOOMKiller = r.OomKillDisable
	}
	if *mem != (specs.LinuxMemory{}) {
		out.Memory = mem
	}

	cpu := &specs.LinuxCPU{Cpus: r.CpusetCpus, Mems: r.CpusetMems}
	if r.CPUShares > 0 {
		v := uint64(r.CPUShares)
		cpu.Shares = &v
	}
	// --cpus is a period and a quota. Create and update refuse it beside
	// a CPU period or a positive quota; beside a quota of -1 it still
	// wins, as in Docker's update, so a container gets the same limit
	// from an update as from its next start.
	if r.NanoCPUs > 0 {
		period, quota := uint64(cpuPeriod), r.NanoCPUs*cpuPeriod/1e9
		cpu.Period, cpu.Quota = &period, &quota
	} else {
		if r.CPUPeriod > 0 {
			v := uint64(r.CPUPeriod)
			cpu.Period = &v
		}
		if r.CPUQuota != 0 {
			cpu.Quota = &r.CPUQuota
		}
	}
	if r.CPURealtimePeriod > 0 {
		v := uint64(r.CPURealtimePeriod)
		cpu.RealtimePeriod = &v
	}
	if r.CPURealtimeRuntime != 0 {
		cpu.RealtimeRuntime = &r.CPURealtimeRuntime
	}
	if *cpu != (specs.LinuxCPU{}) {
		out.CPU = cpu
	}

	// 0 and -1 both mean "no limit" in Docker's API; the runtime wants -1
	// to lift a limit an earlier update set.
	if r.PidsLimit != nil {
		limit := *r.PidsLimit
		if limit <= 0 {
			limit = -1
		}
		out.Pids = &specs.LinuxPids{Limit: &limit}
	}

	blk, err := blockIO(r)
	if err != nil {
		return nil, err
	}
	out.BlockIO = blk
	return out, nil
}

// checkResources refuses what Docker refuses, in its words.
func checkResources(r container.Resources) error {
	switch {
	case r.Memory < 0 || r.MemoryReservation < 0 || r.CPUShares < 0 || r.NanoCPUs < 0:
		return invalidf("invalid resources: negative values are not allowed")
	case r.Memory > 0 && r.Memory < minMemory:
		return invalidf("Minimum memory limit allowed is 6MB")
	case r.MemorySwap > 0 && r.Memory == 0:
		return invalidf("You should always set the Memory limit when using Memoryswap limit, see usage")
	case r.MemorySwap > 0 && r.MemorySwap < r.Memory:
		return invalidf("Minimum memoryswap limit should be larger than memory limit, see usage")
	case r.Memory > 0 && r.MemoryReservation > 0 && r.Memory < r.MemoryReservation:
		return invalidf("Minimum memory limit can not be less than memory reservation limit, see usage")
	case r.MemorySwappiness != nil && (*r.MemorySwappiness < -1 || *r.MemorySwappiness > 100):
		return invalidf("Invalid value: %d, valid memory swappiness range is 0-100", *r.MemorySwappiness)
	case r.NanoCPUs > 0 && (r.CPUPeriod > 0 || r.CPUQuota > 0):
		return invalidf("Conflicting options: Nano CPUs and CPU Period cannot both be set")
	case r.NanoCPUs > 0 && (r.NanoCPUs < 1e7 || r.NanoCPUs > int64(runtime.NumCPU())*1e9):
		n := runtime.NumCPU()
		return invalidf("Range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available", n, n)
	case r.CPUPeriod != 0 && (r.CPUPeriod < 1000 || r.CPUPeriod > 1000000):
		return invalidf("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)")
	case r.CPUQuota > 0 && r.CPUQuota < 1000:
		return invalidf("CPU cfs quota can not be less than 1ms (i.e. 1000)")
	case r.BlkioWeight != 0 && (r.BlkioWeight < 10 || r.BlkioWeight > 1000):
		return invalidf("Range of blkio weight is from 10 to 1000")
	}
	return nil
}

// blockIO maps --blkio-weight, --blkio-weight-device and the
// --device-{read,write}-{bps,iops} throttles; devices are named by path and
// the cgroup wants major:minor.
func blockIO(r container.Resources) (*specs.LinuxBlockIO, error) {
	b := &specs.LinuxBlockIO{}
	if r.BlkioWeight > 0 {
		w := r.BlkioWeight
		b.Weight = &w
	}
	for _, wd := range r.BlkioWeightDevice {
		maj, min, err := blockDevice(wd.Path)
		if err != nil {
			return nil, err
		}
		w := wd.Weight
		d := specs.LinuxWeightDevice{Weight: &w}
		d.Major, d.Minor = maj, min
		b.WeightDevice = append(b.WeightDevice, d)
	}
	throttle := func(list []*blkiodev.ThrottleDevice) ([]specs.LinuxThrottleDevice, error) {
		var out []specs.LinuxThrottleDevice
		for _, td := range list {
			maj, min, err := blockDevice(td.Path)
			if err != nil {
				return nil, err
			}
			d := specs.LinuxThrottleDevice{Rate: td.Rate}
			d.Major, d.Minor = maj, min
			out = append(out, d)
		}
		return out, nil
	}
	var err error
	if b.ThrottleReadBpsDevice, err = throttle(r.BlkioDeviceReadBps); err != nil {
		return nil, err
	}
	if b.ThrottleWriteBpsDevice, err = throttle(r.BlkioDeviceWriteBps); err != nil {
		return nil, err
	}
	if b.ThrottleReadIOPSDevice, err = throttle(r.BlkioDeviceReadIOps); err != nil {
		return nil, err
	}
	if b.ThrottleWriteIOPSDevice, err = throttle(r.BlkioDeviceWriteIOps); err != nil {
		return nil, err
	}
	if b.Weight == nil && b.WeightDevice == nil && b.ThrottleReadBpsDevice == nil &&
		b.ThrottleWriteBpsDevice == nil && b.ThrottleReadIOPSDevice == nil && b.ThrottleWriteIOPSDevice == nil {
		return nil, nil
	}
	return b, nil
}

func blockDevice(p string) (int64, int64, error) {
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		return 0, 0, invalidf("blkio device %s: %s", p, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFBLK {
		return 0, 0, invalidf("blkio device %s: not a block device", p)
	}
	return int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev)), nil
}
