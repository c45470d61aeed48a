package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"

	"github.com/berth/berth/internal/cgroups"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/spec"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// ContainerUpdate changes a container's resource limits and restart
// policy. A running container gets the new limits at once through its
// runtime; any container keeps them for its next start.
func (d *Daemon) ContainerUpdate(ctx context.Context, name string, cfg *apicontainer.UpdateConfig) (apicontainer.UpdateResponse, error) {
	resp := apicontainer.UpdateResponse{Warnings: []string{}}
	if cfg == nil {
		return resp, nil
	}
	res := cfg.Resources
	warnings, err := checkUpdate(&res, cfg.RestartPolicy)
	resp.Warnings = append(resp.Warnings, warnings...)
	if err != nil {
		return resp, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	c, err := d.containers.Get(name)
	if err != nil {
		return resp, err
	}
	unlock := d.containers.Lock(c.ID)
	defer unlock()
	var before *apicontainer.HostConfig // to put back if the runtime refuses
	c, err = d.containers.Update(c.ID, func(c *container.Container) error {
		if c.State.Status == container.Removing || c.State.Status == container.Dead {
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Cannot update container %s: container is marked for removal and cannot be \"update\"", c.ID))
		}
		before = c.HostConfig
		hc := *c.HostConfig
		if err := mergeUpdate(&hc, res, cfg.RestartPolicy); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Cannot update container %s: %v", c.ID, err))
		}
		c.HostConfig = &hc
		return nil
	})
	if err != nil {
		return resp, err
	}
	if c.State.Status == container.Running || c.State.Status == container.Paused {
		if err := d.applyResources(ctx, c, res); err != nil {
			d.updateOrLog(c.ID, func(c *container.Container) error { c.HostConfig = before; return nil })
			return resp, fmt.Errorf("Cannot update container %s: %w", c.ID, err)
		}
	}
	d.logContainerEvent(c, events.ActionUpdate, nil)
	return resp, nil
}

// applyResources hands the limits the client asked for, and only those,
// to the runtime of a running container.
func (d *Daemon) applyResources(ctx context.Context, c *container.Container, res apicontainer.Resources) error {
	rt, err := d.runtimeFor(c.Runtime)
	if err != nil {
		return err
	}
	oci, err := spec.UpdateResources(res)
	if err != nil {
		return err
	}
	data, err := json.Marshal(oci)
	if err != nil {
		return err
	}
	return rt.Update(ctx, c.ID, data)
}

// checkUpdate refuses what Docker refuses in an update, in its words, and
// drops (with a warning) what this host's cgroups cannot do.
func checkUpdate(r *apicontainer.Resources, policy apicontainer.RestartPolicy) ([]string, error) {
	var warnings []string
	if err := apicontainer.ValidateRestartPolicy(policy); err != nil {
		return nil, err
	}
	n := goruntime.NumCPU()
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

// mergeUpdate writes the given (non-zero) settings over hc, refusing
// combinations with what is already set that the kernel would refuse.
func mergeUpdate(hc *apicontainer.HostConfig, r apicontainer.Resources, policy apicontainer.RestartPolicy) error {
	cur := &hc.Resources
	switch {
	case r.NanoCPUs > 0 && cur.CPUPeriod > 0:
		return fmt.Errorf("Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set")
	case r.NanoCPUs > 0 && cur.CPUQuota > 0:
		return fmt.Errorf("Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set")
	case r.CPUPeriod > 0 && cur.NanoCPUs > 0:
		return fmt.Errorf("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set")
	case r.CPUQuota > 0 && cur.NanoCPUs > 0:
		return fmt.Errorf("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set")
	// Docker also refuses when no swap limit was ever set (0), which only
	// its default of twice the memory makes unreachable; Berth sets no
	// such default, so only a real swap limit is checked.
	case r.Memory > 0 && r.MemorySwap == 0 && cur.MemorySwap > 0 && r.Memory > cur.MemorySwap:
		return fmt.Errorf("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time")
	case r.MemorySwap > 0 && r.Memory == 0 && r.MemorySwap < cur.Memory:
		return fmt.Errorf("Minimum memoryswap limit should be larger than memory limit, see usage")
	case policy.Name != "" && hc.AutoRemove && policy.Name != apicontainer.RestartPolicyDisabled:
		return fmt.Errorf("Restart policy cannot be updated because AutoRemove is enabled for the container")
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

// checkCpuset refuses a --cpuset-cpus or --cpuset-mems list that is
// malformed or names a CPU (memory node) the host does not have online.
func checkCpuset(list, what, onlineFile string) error {
	if list == "" {
		return nil
	}
	want, err := parseIDList(list)
	if err != nil {
		return fmt.Errorf("Invalid value %s for cpuset %s: %v", list, what, err)
	}
	data, err := os.ReadFile(onlineFile)
	if err != nil {
		return nil // the host does not say; let the runtime judge
	}
	online := strings.TrimSpace(string(data))
	have, err := parseIDList(online)
	if err != nil {
		return nil
	}
	for id := range want {
		if !have[id] {
			if what == "cpus" {
				return fmt.Errorf("Requested CPUs are not available - requested %s, available: %s", list, online)
			}
			return fmt.Errorf("Requested memory nodes are not available - requested %s, available: %s", list, online)
		}
	}
	return nil
}

// parseIDList reads the kernel's list format: "0-3,5".
func parseIDList(s string) (map[int]bool, error) {
	out := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a {
			return nil, fmt.Errorf("invalid format: %s", s)
		}
		for i := a; i <= b; i++ {
			out[i] = true
		}
	}
	return out, nil
}
