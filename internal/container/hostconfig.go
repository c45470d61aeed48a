package container

import (
	"fmt"
	"runtime"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

// CheckHostConfig refuses the host settings Docker refuses at create, in
// its words, before anything is stored. The warnings are for the client.
func CheckHostConfig(hc *apicontainer.HostConfig) ([]string, error) {
	var warnings []string
	if hc.AutoRemove && hc.RestartPolicy.Name != "" && hc.RestartPolicy.Name != apicontainer.RestartPolicyDisabled {
		return nil, errdefs.ErrInvalidArgument.WithMessage("can't create 'AutoRemove' container with restart policy")
	}
	switch hc.RestartPolicy.Name {
	case "", apicontainer.RestartPolicyDisabled, apicontainer.RestartPolicyAlways, apicontainer.RestartPolicyUnlessStopped:
		if hc.RestartPolicy.MaximumRetryCount != 0 {
			return nil, errdefs.ErrInvalidArgument.WithMessage("invalid restart policy: maximum retry count can only be used with 'on-failure'")
		}
	case apicontainer.RestartPolicyOnFailure:
		if hc.RestartPolicy.MaximumRetryCount < 0 {
			return nil, errdefs.ErrInvalidArgument.WithMessage("invalid restart policy: maximum retry count cannot be negative")
		}
	default:
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid restart policy: unknown policy '%s'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'", hc.RestartPolicy.Name))
	}
	if m := hc.Memory; m != 0 && m < 6*1024*1024 {
		return nil, errdefs.ErrInvalidArgument.WithMessage("Minimum memory limit allowed is 6MB")
	}
	if hc.MemorySwap > 0 && hc.Memory > 0 && hc.MemorySwap < hc.Memory {
		return nil, errdefs.ErrInvalidArgument.WithMessage("Minimum memoryswap limit should be larger than memory limit, see usage")
	}
	if hc.MemorySwap > 0 && hc.Memory == 0 {
		return nil, errdefs.ErrInvalidArgument.WithMessage("You should always set the Memory limit when using Memoryswap limit, see usage")
	}
	if hc.NanoCPUs < 0 || hc.CPUShares < 0 || hc.PidsLimit != nil && *hc.PidsLimit < -1 {
		return nil, errdefs.ErrInvalidArgument.WithMessage("invalid resource limits: values cannot be negative")
	}
	if hc.NanoCPUs > 0 && hc.NanoCPUs > int64(runtime.NumCPU())*1e9 {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available", runtime.NumCPU(), runtime.NumCPU()))
	}
	if hc.NanoCPUs > 0 && (hc.CPUPeriod > 0 || hc.CPUQuota > 0) {
		return nil, errdefs.ErrInvalidArgument.WithMessage("conflicting options: Nano CPUs and CPU Period cannot both be set")
	}
	if err := checkNamespaceModes(hc); err != nil {
		return nil, err
	}
	if _, ok := hc.Annotations[""]; ok {
		return nil, errdefs.ErrInvalidArgument.WithMessage("invalid Annotations: the empty string is not permitted as an annotation key")
	}
	return warnings, nil
}
