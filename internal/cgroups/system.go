package cgroups

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// SystemCPU reads the host's total CPU time (nanoseconds, all CPUs, as the
// Docker API's system_cpu_usage) and the number of online CPUs from
// /proc/stat. Clients divide a container's CPU time by the first to get a
// percentage.
func SystemCPU() (usage uint64, online uint32, err error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	return ParseProcStat(f)
}

// ParseProcStat reads the "cpu" and "cpuN" lines of /proc/stat. The first
// seven columns (user to softirq, in USER_HZ ticks of 10ms) make the
// total; steal and guest time are not the host's own work.
func ParseProcStat(r io.Reader) (usage uint64, online uint32, err error) {
	sc := bufio.NewScanner(r)
	found := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || !strings.HasPrefix(f[0], "cpu") {
			continue
		}
		if f[0] != "cpu" {
			online++
			continue
		}
		if len(f) < 8 {
			return 0, 0, fmt.Errorf("/proc/stat: short cpu line %q", sc.Text())
		}
		var ticks uint64
		for _, s := range f[1:8] {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return 0, 0, fmt.Errorf("/proc/stat: %w", err)
			}
			ticks += v
		}
		usage, found = ticks*1e7, true
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	if !found {
		return 0, 0, fmt.Errorf("/proc/stat: no cpu line")
	}
	return usage, online, nil
}
