package daemon

import (
	"context"
	"time"

	"github.com/berth/berth/internal/cgroups"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/network"
	apicontainer "github.com/moby/moby/api/types/container"
	"golang.org/x/sys/unix"
)

// statsInterval is how often samples are taken, as in Docker.
const statsInterval = time.Second

// ContainerStats samples a container's cgroup. Streaming, it sends a
// sample a second, each with the previous one's CPU figures as precpu,
// until ctx ends or the container stops. Not streaming, it sends one
// sample whose precpu is a sample taken a second earlier, so that a CPU
// percentage can be computed from it. A container that is not running
// yields one empty sample, as Docker's does.
func (d *Daemon) ContainerStats(ctx context.Context, name string, stream bool) (<-chan apicontainer.StatsResponse, error) {
	c, err := d.containers.Get(name)
	if err != nil {
		return nil, err
	}
	ch := make(chan apicontainer.StatsResponse, 1)
	if !statsRunning(c) {
		ch <- emptyStats(c)
		close(ch)
		return ch, nil
	}
	go d.collectStats(ctx, c, stream, ch)
	return ch, nil
}

func statsRunning(c *container.Container) bool {
	return c.State.Status == container.Running || c.State.Status == container.Paused
}

func emptyStats(c *container.Container) apicontainer.StatsResponse {
	return apicontainer.StatsResponse{ID: c.ID, Name: "/" + c.Name, OSType: "linux"}
}

func (d *Daemon) collectStats(ctx context.Context, c *container.Container, stream bool, ch chan<- apicontainer.StatsResponse) {
	defer close(ch)
	cg := cgroups.Open(cgroupsPath(c.ID))
	send := func(s apicontainer.StatsResponse) bool {
		select {
		case ch <- s:
			return true
		case <-ctx.Done():
			return false
		}
	}
	prev, err := statsSample(c, cg)
	if err != nil {
		send(emptyStats(c)) // it stopped meanwhile
		return
	}
	if stream && !send(prev) {
		return
	}
	tick := time.NewTicker(statsInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		cur, err := statsSample(c, cg)
		if err != nil || !d.stillRunning(c.ID) {
			if !stream {
				send(emptyStats(c))
			}
			return
		}
		cur.PreRead, cur.PreCPUStats = prev.Read, prev.CPUStats
		if !send(cur) || !stream {
			return
		}
		prev = cur
	}
}

func (d *Daemon) stillRunning(id string) bool {
	c, err := d.containers.Get(id)
	return err == nil && statsRunning(c)
}

// statsSample reads one sample; it fails when the cgroup is gone.
func statsSample(c *container.Container, cg cgroups.Cgroup) (apicontainer.StatsResponse, error) {
	s := emptyStats(c)
	st, err := cg.Stats()
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
	s.CPUStats.SystemUsage, s.CPUStats.OnlineCPUs, _ = cgroups.SystemCPU()
	s.MemoryStats = apicontainer.MemoryStats{
		Usage:    st.Memory.Usage,
		MaxUsage: st.Memory.MaxUsage,
		Limit:    st.Memory.Limit,
		Failcnt:  st.Memory.Failcnt,
		Stats:    st.Memory.Stats,
	}
	// No limit, or one above the machine's memory, is the machine's
	// memory: what the container can really use.
	if total := machineMemory(); total > 0 && (s.MemoryStats.Limit == 0 || s.MemoryStats.Limit > total) {
		s.MemoryStats.Limit = total
	}
	s.PidsStats = apicontainer.PidsStats{Current: st.Pids.Current, Limit: st.Pids.Limit}
	s.BlkioStats = apicontainer.BlkioStats{
		IoServiceBytesRecursive: blkioEntries(st.IO.ServiceBytes),
		IoServicedRecursive:     blkioEntries(st.IO.Serviced),
	}
	s.Networks = networkStats(c)
	return s, nil
}

// networkStats are the counters of the container's own interfaces; a
// container on the host's network has none of its own, as in Docker.
func networkStats(c *container.Container) map[string]apicontainer.NetworkStats {
	if c.State.Pid == 0 || (c.HostConfig != nil && c.HostConfig.NetworkMode.IsHost()) {
		return nil
	}
	ifs, err := network.InterfaceStats(c.State.Pid)
	if err != nil || len(ifs) == 0 {
		return nil
	}
	out := make(map[string]apicontainer.NetworkStats, len(ifs))
	for name, n := range ifs {
		out[name] = apicontainer.NetworkStats{
			RxBytes: n.RxBytes, RxPackets: n.RxPackets, RxErrors: n.RxErrors, RxDropped: n.RxDropped,
			TxBytes: n.TxBytes, TxPackets: n.TxPackets, TxErrors: n.TxErrors, TxDropped: n.TxDropped,
		}
	}
	return out
}

func blkioEntries(in []cgroups.IOEntry) []apicontainer.BlkioStatEntry {
	if in == nil {
		return nil
	}
	out := make([]apicontainer.BlkioStatEntry, len(in))
	for i, e := range in {
		out[i] = apicontainer.BlkioStatEntry{Major: e.Major, Minor: e.Minor, Op: e.Op, Value: e.Value}
	}
	return out
}

// machineMemory is the host's RAM in bytes, 0 if unknown.
func machineMemory() uint64 {
	var info unix.Sysinfo_t
	if unix.Sysinfo(&info) != nil {
		return 0
	}
	return uint64(info.Totalram) * uint64(info.Unit)
}
