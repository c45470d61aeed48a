package container

import (
	"fmt"
	"strings"

	"github.com/berth/berth/internal/cli/format"
	units "github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
)

const statsTable = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}"

var statsHeader = map[string]string{
	"Container": "CONTAINER",
	"ID":        "CONTAINER ID",
	"Name":      "NAME",
	"CPUPerc":   "CPU %",
	"MemUsage":  "MEM USAGE / LIMIT",
	"MemPerc":   "MEM %",
	"NetIO":     "NET I/O",
	"BlockIO":   "BLOCK I/O",
	"PIDs":      "PIDS",
}

// statsRow is one container's line in `stats`, computed from one sample.
type statsRow struct {
	container string // as the user named it
	trunc     bool
	s         container.StatsResponse
	err       bool // the container's stats could not be read
}

// MarshalJSON lists the row's template fields.
func (r *statsRow) MarshalJSON() ([]byte, error) { return format.MarshalMethods(r) }

// Container is the name or ID the user gave.
func (r *statsRow) Container() string { return r.container }

// ID is the container ID, short unless --no-trunc.
func (r *statsRow) ID() string {
	if r.trunc {
		return format.TruncateID(r.s.ID)
	}
	return r.s.ID
}

// Name is the container's name.
func (r *statsRow) Name() string {
	if r.s.Name == "" {
		return "--"
	}
	return strings.TrimPrefix(r.s.Name, "/")
}

// CPUPerc is the share of the host's CPUs used since the previous sample.
func (r *statsRow) CPUPerc() string {
	if r.err {
		return "--"
	}
	cpu := r.s.CPUStats
	pre := r.s.PreCPUStats
	cpuDelta := float64(cpu.CPUUsage.TotalUsage) - float64(pre.CPUUsage.TotalUsage)
	sysDelta := float64(cpu.SystemUsage) - float64(pre.SystemUsage)
	online := float64(cpu.OnlineCPUs)
	if online == 0 {
		online = float64(len(cpu.CPUUsage.PercpuUsage))
	}
	pct := 0.0
	if sysDelta > 0 && cpuDelta > 0 {
		pct = cpuDelta / sysDelta * online * 100
	}
	return fmt.Sprintf("%.2f%%", pct)
}

// memUsed is the usage without the page cache, as docker counts it.
func (r *statsRow) memUsed() float64 {
	m := r.s.MemoryStats
	cache, ok := m.Stats["total_inactive_file"]
	if !ok {
		cache = m.Stats["inactive_file"]
	}
	if cache < m.Usage {
		return float64(m.Usage - cache)
	}
	return float64(m.Usage)
}

// MemUsage is "used / limit".
func (r *statsRow) MemUsage() string {
	if r.err {
		return "-- / --"
	}
	return units.BytesSize(r.memUsed()) + " / " + units.BytesSize(float64(r.s.MemoryStats.Limit))
}

// MemPerc is the used share of the limit.
func (r *statsRow) MemPerc() string {
	if r.err {
		return "--"
	}
	pct := 0.0
	if l := r.s.MemoryStats.Limit; l != 0 {
		pct = r.memUsed() / float64(l) * 100
	}
	return fmt.Sprintf("%.2f%%", pct)
}

// NetIO is bytes received / sent over all networks.
func (r *statsRow) NetIO() string {
	if r.err {
		return "--"
	}
	var rx, tx float64
	for _, n := range r.s.Networks {
		rx += float64(n.RxBytes)
		tx += float64(n.TxBytes)
	}
	return units.HumanSizeWithPrecision(rx, 3) + " / " + units.HumanSizeWithPrecision(tx, 3)
}

// BlockIO is bytes read / written.
func (r *statsRow) BlockIO() string {
	if r.err {
		return "--"
	}
	var rd, wr float64
	for _, e := range r.s.BlkioStats.IoServiceBytesRecursive {
		switch strings.ToLower(e.Op) {
		case "read":
			rd += float64(e.Value)
		case "write":
			wr += float64(e.Value)
		}
	}
	return units.HumanSizeWithPrecision(rd, 3) + " / " + units.HumanSizeWithPrecision(wr, 3)
}

// PIDs is the number of processes.
func (r *statsRow) PIDs() string {
	if r.err {
		return "--"
	}
	return fmt.Sprint(r.s.PidsStats.Current)
}
