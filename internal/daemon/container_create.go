package daemon

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"
)

// ContainerCreate makes a container record from an image; nothing runs and
// nothing is mounted until start.
func (d *Daemon) ContainerCreate(ctx context.Context, name string, req *apicontainer.CreateRequest, platform string) (apicontainer.CreateResponse, error) {
	var resp apicontainer.CreateResponse
	if req == nil || req.Config == nil {
		return resp, errdefs.ErrInvalidArgument.WithMessage("config cannot be empty in order to create a container")
	}
	if err := checkPlatform(platform); err != nil {
		return resp, err
	}
	if name != "" {
		if err := container.CheckName(name); err != nil {
			return resp, err
		}
	}
	hc := req.HostConfig
	if hc == nil {
		hc = &apicontainer.HostConfig{}
	}
	warnings, err := d.checkHostConfig(hc)
	if err != nil {
		return resp, err
	}
	if _, err := logOptions(&container.Container{HostConfig: hc}); err != nil {
		return resp, err
	}
	if hc.LogConfig.Type == "" {
		// Recorded as Docker does: clients (docker-py's run) read it back.
		hc.LogConfig.Type = "json-file"
	}
	if err := container.CheckHealthConfig(req.Config.Healthcheck); err != nil {
		return resp, err
	}
	rec, _, err := d.images.Resolve(req.Config.Image)
	if err != nil {
		return resp, err
	}
	img, err := d.imageConfig(ctx, rec.ID)
	if err != nil {
		return resp, err
	}
	cfg := *req.Config
	mergeImageConfig(&cfg, &img.Config)
	path, args := commandOf(&cfg)
	if path == "" {
		return resp, errdefs.ErrInvalidArgument.WithMessage("no command specified")
	}
	rt, err := d.runtimeFor(hc.Runtime)
	if err != nil {
		return resp, err
	}
	hc.Runtime = rt.Name
	c := &container.Container{
		ID:         container.NewID(),
		Name:       name,
		Created:    time.Now().UTC(),
		Path:       path,
		Args:       args,
		Config:     &cfg,
		HostConfig: hc,
		Image:      rec.ID,
		Runtime:    rt.Name,
		State:      container.State{Status: container.Created},
	}
	if c.Config.Hostname == "" {
		c.Config.Hostname = c.ID[:12]
	}
	if c.Name == "" {
		c.Name = container.GenerateName(d.containers.NameInUse)
	}
	if err := d.checkNetworks(c, req.NetworkingConfig); err != nil {
		return resp, err
	}
	c.Networks = d.endpointConfigs(req.NetworkingConfig)
	if err := d.createMounts(c); err != nil {
		return resp, err
	}
	if err := d.containers.Add(c); err != nil {
		d.undoMounts(c)
		return resp, err
	}
	d.logContainerEvent(c, events.ActionCreate, nil)
	return apicontainer.CreateResponse{ID: c.ID, Warnings: warnings}, nil
}

// mergeImageConfig fills what the client left out from the image, with
// Docker's rules: an entrypoint given by the client drops the image's cmd.
func mergeImageConfig(cfg *apicontainer.Config, img *dockerspec.DockerOCIImageConfig) {
	if cfg.User == "" {
		cfg.User = img.User
	}
	if cfg.WorkingDir == "" {
		cfg.WorkingDir = img.WorkingDir
	}
	if len(cfg.Entrypoint) == 0 && len(cfg.Cmd) == 0 {
		cfg.Cmd = img.Cmd
	}
	if cfg.Entrypoint == nil {
		cfg.Entrypoint = img.Entrypoint
	}
	if len(cfg.Env) == 0 {
		cfg.Env = append([]string{}, img.Env...)
	} else {
		cfg.Env = mergeEnv(img.Env, cfg.Env)
	}
	if cfg.StopSignal == "" {
		cfg.StopSignal = img.StopSignal
	}
	if len(img.Labels) > 0 {
		labels := map[string]string{}
		for k, v := range img.Labels {
			labels[k] = v
		}
		for k, v := range cfg.Labels {
			labels[k] = v
		}
		cfg.Labels = labels
	}
	cfg.Healthcheck = container.MergeHealthConfig(cfg.Healthcheck, img.Healthcheck)
	if len(cfg.Shell) == 0 {
		cfg.Shell = img.Shell
	}
	for p := range img.ExposedPorts {
		port, err := network.ParsePort(p)
		if err != nil {
			continue // an image with a malformed port spec still runs
		}
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = network.PortSet{}
		}
		cfg.ExposedPorts[port] = struct{}{}
	}
	for v := range img.Volumes {
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		cfg.Volumes[v] = struct{}{}
	}
}

// mergeEnv overlays the client's variables on the image's, by name.
func mergeEnv(base, over []string) []string {
	out := append([]string{}, base...)
	index := map[string]int{}
	for i, kv := range out {
		k, _, _ := strings.Cut(kv, "=")
		index[k] = i
	}
	for _, kv := range over {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := index[k]; ok {
			out[i] = kv
			continue
		}
		index[k] = len(out)
		out = append(out, kv)
	}
	return out
}

// commandOf joins entrypoint and cmd into the process to run.
func commandOf(cfg *apicontainer.Config) (string, []string) {
	argv := append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...)
	if len(argv) == 0 {
		return "", nil
	}
	return argv[0], argv[1:]
}

// checkHostConfig refuses settings Docker refuses, before anything is
// stored.
func (d *Daemon) checkHostConfig(hc *apicontainer.HostConfig) ([]string, error) {
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
	return warnings, nil
}
