package cgroups

import (
	"time"

	apicontainer "github.com/moby/moby/api/types/container"
	"golang.org/x/sys/unix"
)

// Sample reads the cgroup once and adds it to base (the container's ID
// and name) as GET /containers/{name}/stats reports it; it fails when the
// cgroup is gone.
func (c Cgroup) Sample(base apicontainer.StatsResponse) (apicontainer.StatsResponse, error) {
	s := base
	st, err := c.Stats()
	if err != nil {
		return s, err
	}
	s.Read = time.Now().UTC()
	s.CPUStats = apicontainer.CPUStats{
		CPUUsage: apicontainer.CPUUsage{
			TotalUsage:        st.CPU.Total,
			PercpuUsage:       st.CPU.PerCPU,
			UsageInKernelmode: st.CPU.Kernel,
			UsageInUsermode:   st.CPU.User,
		},
		ThrottlingData: apicontainer.ThrottlingData{
			Periods:          st.CPU.Periods,
			ThrottledPeriods: st.CPU.ThrottledPeriods,
			ThrottledTime:    st.CPU.ThrottledTime,
		},
	}
	s.CPUStats.SystemUsage, s.CPUStats.OnlineCPUs, _ = SystemCPU()
	s.MemoryStats = apicontainer.MemoryStats{
		Usage:    st.Memory.Usage,
		MaxUsage: st.Memory.MaxUsage,
		Limit:    st.Memory.Limit,
		Failcnt:  st.Memory.Failcnt,
		Stats:    st.Memory.Stats,
	}
	// No limit, or one above the machine's memory, is the machine's
	// memory: what the container can really use.
	if total := MachineMemory(); total > 0 && (s.MemoryStats.Limit == 0 || s.MemoryStats.Limit > total) {
		s.MemoryStats.Limit = total
	}
	s.PidsStats = apicontainer.PidsStats{Current: st.Pids.Current, Limit: st.Pids.Limit}
	s.BlkioStats = apicontainer.BlkioStats{
		IoServiceBytesRecursive: blkioEntries(st.IO.ServiceBytes),
		IoServicedRecursive:     blkioEntries(st.IO.Serviced),
	}
	return s, nil
}

func blkioEntries(in []IOEntry) []apicontainer.BlkioStatEntry {
	if in == nil {
		return nil
	}
	out := make([]apicontainer.BlkioStatEntry, len(in))
	for i, e := range in {
		out[i] = apicontainer.BlkioStatEntry{Major: e.Major, Minor: e.Minor, Op: e.Op, Value: e.Value}
	}
	return out
}

// MachineMemory is the host's RAM in bytes, 0 if unknown.
func MachineMemory() uint64 {
	var info unix.Sysinfo_t
	if unix.Sysinfo(&info) != nil {
		return 0
	}
	return uint64(info.Totalram) * uint64(info.Unit)
}
