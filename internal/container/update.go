package container

import (
	"fmt"
	"runtime"

	"github.com/berth/berth/internal/cgroups"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

// CheckUpdate refuses what Docker refuses in an update, in its words, and
// drops (with a warning) what this host's cgroups cannot do.
func CheckUpdate(r *apicontainer.Resources, policy apicontainer.RestartPolicy) ([]string, error) {
	var warnings []string
	if err := apicontainer.ValidateRestartPolicy(policy); err != nil {
		return nil, err
	}
	n := runtime.NumCPU()
	switch {
	case r.Memory < 0 || r.MemoryReservation < 0 || r.CPUShares < 0 || r.NanoCPUs < 0 || r.CPUQuota < -1:
		return nil, fmt.Errorf("invalid resources: negative values are not allowed")
	case r.Memory != 0 && r.Memory < 6<<20:
		return nil, fmt.Errorf("Minimum memory limit allowed is 6MB")
	case r.Memory > 0 && r.MemorySwap > 0 && r.MemorySwap < r.Memory:
		return nil, fmt.Errorf("Minimum memoryswap limit should be larger than memory limit, see usage")
	case r.MemoryReservation > 0 && r.MemoryReservation < 6<<20:
		return nil, fmt.Errorf("Minimum memory reservation allowed is 6MB")
	case r.Memory > 0 && r.MemoryReservation > 0 && r.Memory < r.MemoryReservation:
		return nil, fmt.Errorf("Minimum memory limit can not be less than memory reservation limit, see usage")
	case r.MemorySwappiness != nil && (*r.MemorySwappiness < -1 || *r.MemorySwappiness > 100):
		return nil, fmt.Errorf("Invalid value: %v, valid memory swappiness range is 0-100", *r.MemorySwappiness)
	case r.NanoCPUs > 0 && r.CPUPeriod > 0:
		return nil, fmt.Errorf("Conflicting options: Nano CPUs and CPU Period cannot both be set")
	case r.NanoCPUs > 0 && r.CPUQuota > 0:
		return nil, fmt.Errorf("Conflicting options: Nano CPUs and CPU Quota cannot both be set")
	case r.NanoCPUs > int64(n)*1e9:
		return nil, fmt.Errorf("range of CPUs is from 0.01 to %[1]d.00, as there are only %[1]d CPUs available", n)
	case r.CPUPeriod != 0 && (r.CPUPeriod < 1000 || r.CPUPeriod > 1000000):
		return nil, fmt.Errorf("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)")
	case r.CPUQuota > 0 && r.CPUQuota < 1000:
		return nil, fmt.Errorf("CPU cfs quota can not be less than 1ms (i.e. 1000)")
	case r.IOMaximumBandwidth != 0 || r.IOMaximumIOps != 0:
		return nil, fmt.Errorf("Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps")
	}
	if err := checkCpuset(r.CpusetCpus, "cpus", "/sys/devices/system/cpu/online"); err != nil {
		return nil, err
	}
	if err := checkCpuset(r.CpusetMems, "mems", "/sys/devices/system/node/online"); err != nil {
		return nil, err
	}
	if r.BlkioWeight > 0 && !cgroups.WeightSupported(cgroups.DefaultRoot) {
		warnings = append(warnings, "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.")
		r.BlkioWeight = 0
	}
	if r.BlkioWeight > 0 && (r.BlkioWeight < 10 || r.BlkioWeight > 1000) {
		return warnings, fmt.Errorf("Range of blkio weight is from 10 to 1000")
	}
	if r.CPUPercent > 0 {
		warnings = append(warnings, "linux does not support CPU percent. Percent discarded.")
		r.CPUPercent = 0
	}
	return warnings, nil
}

// MergeUpdate writes the given (non-zero) settings over hc, refusing
// combinations with what is already set that the kernel would refuse. As
// in Docker, a clash with the container's settings is a conflict (409).
func MergeUpdate(hc *apicontainer.HostConfig, r apicontainer.Resources, policy apicontainer.RestartPolicy) error {
	cur := &hc.Resources
	switch {
	case r.NanoCPUs > 0 && cur.CPUPeriod > 0:
		return errdefs.ErrConflict.WithMessage("Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set")
	case r.NanoCPUs > 0 && cur.CPUQuota > 0:
		return errdefs.ErrConflict.WithMessage("Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set")
	case r.CPUPeriod > 0 && cur.NanoCPUs > 0:
		return errdefs.ErrConflict.WithMessage("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set")
	case r.CPUQuota > 0 && cur.NanoCPUs > 0:
		return errdefs.ErrConflict.WithMessage("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set")
	// Docker also refuses when no swap limit was ever set (0), which only
	// its default of twice the memory makes unreachable; Berth sets no
	// such default, so only a real swap limit is checked.
	case r.Memory > 0 && r.MemorySwap == 0 && cur.MemorySwap > 0 && r.Memory > cur.MemorySwap:
		return errdefs.ErrConflict.WithMessage("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time")
	case r.MemorySwap > 0 && r.Memory == 0 && r.MemorySwap < cur.Memory:
		return errdefs.ErrInvalidArgument.WithMessage("Minimum memoryswap limit should be larger than memory limit, see usage")
	case policy.Name != "" && hc.AutoRemove && policy.Name != apicontainer.RestartPolicyDisabled:
		return errdefs.ErrConflict.WithMessage("Restart policy cannot be updated because AutoRemove is enabled for the container")
	}
	setInt := func(dst *int64, v int64) {
		if v != 0 {
			*dst = v
		}
	}
	setInt(&cur.CPUShares, r.CPUShares)
	setInt(&cur.NanoCPUs, r.NanoCPUs)
	setInt(&cur.CPUPeriod, r.CPUPeriod)
	setInt(&cur.CPUQuota, r.CPUQuota)
	setInt(&cur.CPURealtimePeriod, r.CPURealtimePeriod)
	setInt(&cur.CPURealtimeRuntime, r.CPURealtimeRuntime)
	setInt(&cur.Memory, r.Memory)
	setInt(&cur.MemorySwap, r.MemorySwap)
	setInt(&cur.MemoryReservation, r.MemoryReservation)
	if r.BlkioWeight != 0 {
		cur.BlkioWeight = r.BlkioWeight
	}
	// The device lists go to the runtime as given, so they are kept too
	// (as Docker does): the next start then applies the same limits.
	if r.BlkioWeightDevice != nil {
		cur.BlkioWeightDevice = r.BlkioWeightDevice
	}
	if r.BlkioDeviceReadBps != nil {
		cur.BlkioDeviceReadBps = r.BlkioDeviceReadBps
	}
	if r.BlkioDeviceWriteBps != nil {
		cur.BlkioDeviceWriteBps = r.BlkioDeviceWriteBps
	}
	if r.BlkioDeviceReadIOps != nil {
		cur.BlkioDeviceReadIOps = r.BlkioDeviceReadIOps
	}
	if r.BlkioDeviceWriteIOps != nil {
		cur.BlkioDeviceWriteIOps = r.BlkioDeviceWriteIOps
	}
	if r.CpusetCpus != "" {
		cur.CpusetCpus = r.CpusetCpus
	}
	if r.CpusetMems != "" {
		cur.CpusetMems = r.CpusetMems
	}
	if r.PidsLimit != nil {
		v := *r.PidsLimit
		cur.PidsLimit = &v
	}
	if policy.Name != "" {
		hc.RestartPolicy = policy
	}
	return nil
}
