package daemon

import (
	"context"
	"os"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/spec"
	"github.com/berth/berth/internal/images"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// ContainerCreate makes a container record from an image; nothing runs and
// nothing is mounted until start.
func (d *Daemon) ContainerCreate(ctx context.Context, name string, req *apicontainer.CreateRequest, platform string) (apicontainer.CreateResponse, error) {
	var resp apicontainer.CreateResponse
	if req == nil || req.Config == nil {
		return resp, errdefs.ErrInvalidArgument.WithMessage("config cannot be empty in order to create a container")
	}
	if err := images.CheckPlatform(platform); err != nil {
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
	if err := container.CheckConfig(req.Config); err != nil {
		return resp, err
	}
	warnings, err := container.CheckHostConfig(hc)
	if err != nil {
		return resp, err
	}
	if err := spec.CheckCapabilities(hc.CapAdd, hc.CapDrop); err != nil {
		return resp, err
	}
	if err := container.CheckHealthConfig(req.Config.Healthcheck); err != nil {
		return resp, err
	}
	if _, err := logOptions(&container.Container{HostConfig: hc}); err != nil {
		return resp, err
	}
	if hc.LogConfig.Type == "" {
		// Recorded as Docker does: clients (docker-py's run) read it back.
		hc.LogConfig.Type = "json-file"
	}
	rec, _, err := d.images.Resolve(req.Config.Image)
	if err != nil {
		return resp, err
	}
	img, err := d.ImageConfig(ctx, rec.ID)
	if err != nil {
		return resp, err
	}
	cfg := *req.Config
	container.MergeImageConfig(&cfg, &img.Config)
	path, args := container.CommandOf(&cfg)
	if len(cfg.Entrypoint) == 0 && len(cfg.Cmd) == 0 { // Cmd [""] is a command: its start fails
		return resp, errdefs.ErrInvalidArgument.WithMessage("no command specified")
	}
	rt, err := d.runtimeFor(hc.Runtime)
	if err != nil {
		return resp, err
	}
	hc.Runtime = rt.Name
	container.SetHostConfigDefaults(hc, spec.DefaultMaskedPaths, spec.DefaultReadonlyPaths)
	container.PinSharedNamespaces(hc, d.containers.Get)
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
	if err := d.networks.CheckNetworks(c, req.NetworkingConfig); err != nil {
		return resp, err
	}
	c.Networks = d.networks.EndpointConfigs(req.NetworkingConfig)
	if err := d.volumes.CreateMounts(ctx, c); err != nil {
		return resp, err
	}
	if err := d.containers.Add(c); err != nil {
		d.volumes.UndoMounts(c)
		os.RemoveAll(d.containerDir(c.ID))
		return resp, err
	}
	d.logContainerEvent(c, events.ActionCreate, nil)
	return apicontainer.CreateResponse{ID: c.ID, Warnings: warnings}, nil
}
