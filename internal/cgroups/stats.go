package cgroups

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
)

// Stats is one sample of a cgroup's accounting, in the units the Docker
// API uses: nanoseconds of CPU time, bytes of memory and I/O.
type Stats struct {
	CPU    CPU
	Memory Memory
	Pids   Pids
	IO     IO
}

// CPU is the CPU time the cgroup's processes used, in nanoseconds.
type CPU struct {
	Total, User, Kernel uint64
	PerCPU              []uint64 // v1 only
	// Throttling by the CFS quota (--cpus): periods elapsed, periods in
	// which the cgroup was throttled, and the time it was held back (ns).
	Periods, ThrottledPeriods, ThrottledTime uint64
}

// Memory is the cgroup's memory use. Limit 0 means no limit is set.
type Memory struct {
	Usage, MaxUsage, Limit uint64
	// Failcnt counts hits of the limit (v1) or OOM kills (v2).
	Failcnt uint64
	// Stats is memory.stat as the kernel writes it, whose keys differ
	// between v1 and v2 (the docker CLI knows both).
	Stats map[string]uint64
}

// Pids counts the cgroup's tasks. Limit 0 means no limit is set.
type Pids struct{ Current, Limit uint64 }

// IOEntry is one device's counter for one operation.
type IOEntry struct {
	Major, Minor uint64
	Op           string
	Value        uint64
}

// IO is block I/O per device: bytes and operations.
type IO struct {
	ServiceBytes, Serviced []IOEntry
}

// noLimit is the smallest value v1 uses for "unlimited" (it writes the
// page-aligned maximum of an int64).
const noLimit = 1 << 62

// Stats reads a sample. It fails with a NotFound error when the cgroup
// does not exist (the container is not running); files a kernel lacks
// leave their fields zero.
func (c Cgroup) Stats() (*Stats, error) {
	if !c.Exists() {
		return nil, errdefs.ErrNotFound.WithMessage("cgroup " + c.path + " not found")
	}
	if c.unified {
		return c.statsV2(), nil
	}
	return c.statsV1(), nil
}

func (c Cgroup) statsV1() *Stats {
	var s Stats
	acct := c.dir("cpuacct")
	s.CPU.Total, _ = readUint(filepath.Join(acct, "cpuacct.usage"))
	if data, err := os.ReadFile(filepath.Join(acct, "cpuacct.usage_percpu")); err == nil {
		for _, f := range strings.Fields(string(data)) {
			v, _ := strconv.ParseUint(f, 10, 64)
			s.CPU.PerCPU = append(s.CPU.PerCPU, v)
		}
	}
	// cpuacct.stat counts in USER_HZ ticks, 100 a second on Linux.
	ticks := readKeyValues(filepath.Join(acct, "cpuacct.stat"))
	s.CPU.User, s.CPU.Kernel = ticks["user"]*1e7, ticks["system"]*1e7
	cpu := readKeyValues(filepath.Join(c.dir("cpu"), "cpu.stat"))
	s.CPU.Periods, s.CPU.ThrottledPeriods, s.CPU.ThrottledTime = cpu["nr_periods"], cpu["nr_throttled"], cpu["throttled_time"]

	mem := c.dir("memory")
	s.Memory.Usage, _ = readUint(filepath.Join(mem, "memory.usage_in_bytes"))
	s.Memory.MaxUsage, _ = readUint(filepath.Join(mem, "memory.max_usage_in_bytes"))
	s.Memory.Failcnt, _ = readUint(filepath.Join(mem, "memory.failcnt"))
	if limit, ok := readUint(filepath.Join(mem, "memory.limit_in_bytes")); ok && limit < noLimit {
		s.Memory.Limit = limit
	}
	s.Memory.Stats = readKeyValues(filepath.Join(mem, "memory.stat"))

	s.Pids = readPids(c.dir("pids"))

	// The CFQ/BFQ scheduler files are empty under other schedulers; the
	// throttle files count at the block layer and always work.
	blkio := c.dir("blkio")
	s.IO.ServiceBytes = readBlkio(blkio, "io_service_bytes_recursive")
	s.IO.Serviced = readBlkio(blkio, "io_serviced_recursive")
	return &s
}

func (c Cgroup) statsV2() *Stats {
	var s Stats
	dir := c.dir("")
	cpu := readKeyValues(filepath.Join(dir, "cpu.stat"))
	s.CPU.Total, s.CPU.User, s.CPU.Kernel = cpu["usage_usec"]*1000, cpu["user_usec"]*1000, cpu["system_usec"]*1000
	s.CPU.Periods, s.CPU.ThrottledPeriods, s.CPU.ThrottledTime = cpu["nr_periods"], cpu["nr_throttled"], cpu["throttled_usec"]*1000

	s.Memory.Usage, _ = readUint(filepath.Join(dir, "memory.current"))
	s.Memory.MaxUsage, _ = readUint(filepath.Join(dir, "memory.peak"))
	s.Memory.Limit, _ = readUint(filepath.Join(dir, "memory.max"))
	s.Memory.Failcnt = readKeyValues(filepath.Join(dir, "memory.events"))["oom"]
	s.Memory.Stats = readKeyValues(filepath.Join(dir, "memory.stat"))

	s.Pids = readPids(dir)
	s.IO.ServiceBytes, s.IO.Serviced = readIOStat(filepath.Join(dir, "io.stat"))
	return &s
}

func readPids(dir string) Pids {
	var p Pids
	p.Current, _ = readUint(filepath.Join(dir, "pids.current"))
	p.Limit, _ = readUint(filepath.Join(dir, "pids.max")) // "max" reads as 0
	return p
}

// readBlkio reads a v1 blkio table ("8:0 Read 4096" lines, then a
// "Total" line), preferring the scheduler's file when it has entries.
func readBlkio(dir, name string) []IOEntry {
	for _, file := range []string{"blkio." + name, "blkio.throttle." + name} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			continue
		}
		var out []IOEntry
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) != 3 {
				continue // "Total N" and blank lines
			}
			major, minor, ok := parseDevice(f[0])
			v, err := strconv.ParseUint(f[2], 10, 64)
			if !ok || err != nil {
				continue
			}
			out = append(out, IOEntry{Major: major, Minor: minor, Op: f[1], Value: v})
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// readIOStat reads v2's io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..."
// per device) as v1-style read/write entries, as Docker reports them.
func readIOStat(path string) (bytes, ios []IOEntry) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		major, minor, ok := parseDevice(f[0])
		if !ok {
			continue
		}
		kv := map[string]uint64{}
		for _, field := range f[1:] {
			k, v, _ := strings.Cut(field, "=")
			kv[k], _ = strconv.ParseUint(v, 10, 64)
		}
		bytes = append(bytes, IOEntry{major, minor, "read", kv["rbytes"]}, IOEntry{major, minor, "write", kv["wbytes"]})
		ios = append(ios, IOEntry{major, minor, "read", kv["rios"]}, IOEntry{major, minor, "write", kv["wios"]})
	}
	return bytes, ios
}

func parseDevice(s string) (major, minor uint64, ok bool) {
	a, b, found := strings.Cut(s, ":")
	if !found {
		return 0, 0, false
	}
	major, err1 := strconv.ParseUint(a, 10, 64)
	minor, err2 := strconv.ParseUint(b, 10, 64)
	return major, minor, err1 == nil && err2 == nil
}
