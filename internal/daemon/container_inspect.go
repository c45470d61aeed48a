package daemon

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/images"
	"github.com/berth/berth/internal/volume"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/storage"
)

// ContainerInspect describes a container as GET /containers/{name}/json
// does; size adds the sizes of its writable layer and whole filesystem.
func (d *Daemon) ContainerInspect(ctx context.Context, name string, size bool) (*apicontainer.InspectResponse, error) {
	c, err := d.containers.Get(name)
	if err != nil {
		return nil, err
	}
	resp := d.inspect(c)
	if size {
		rw, rootfs := d.containerSize(c)
		resp.SizeRw, resp.SizeRootFs = &rw, &rootfs
	}
	return resp, nil
}

func (d *Daemon) inspect(c *container.Container) *apicontainer.InspectResponse {
	dir := d.containerDir(c.ID)
	hc := *c.HostConfig
	st := c.State
	resp := &apicontainer.InspectResponse{
		ID:      c.ID,
		Created: c.Created.UTC().Format(time.RFC3339Nano),
		Path:    c.Path,
		Args:    c.Args,
		State: &apicontainer.State{
			Status:     apicontainer.ContainerState(st.Status),
			Running:    st.IsRunning(),
			Paused:     st.Status == container.Paused,
			Restarting: st.Status == container.Restarting,
			OOMKilled:  st.OOMKilled,
			Dead:       st.Status == container.Dead,
			Pid:        st.Pid,
			ExitCode:   st.ExitCode,
			Error:      st.Error,
			StartedAt:  st.StartedAt.UTC().Format(time.RFC3339Nano),
			FinishedAt: st.FinishedAt.UTC().Format(time.RFC3339Nano),
		},
		Image:           c.Image.String(),
		ResolvConfPath:  filepath.Join(dir, "resolv.conf"),
		HostnamePath:    filepath.Join(dir, "hostname"),
		HostsPath:       filepath.Join(dir, "hosts"),
		Name:            "/" + c.Name,
		RestartCount:    c.RestartCount,
		Driver:          images.StorageDriver,
		Platform:        "linux",
		AppArmorProfile: securityOpt(hc.SecurityOpt, "apparmor"),
		HostConfig:      &hc,
		GraphDriver:     &storage.DriverData{Name: images.StorageDriver, Data: d.graphDriverData(c)},
		Mounts:          d.volumes.ContainerMounts(c),
		Config:          c.Config,
		NetworkSettings: &apicontainer.NetworkSettings{
			Ports:    network.PortMap{},
			Networks: map[string]*network.EndpointSettings{},
		},
	}
	d.fillNetworkSettings(c, resp.NetworkSettings)
	if t := hc.LogConfig.Type; t == "" || t == "json-file" {
		resp.LogPath = d.logPath(c.ID)
	}
	return resp
}

// graphDriverData names the overlay's directories, as Docker's overlay
// drivers report them; an image whose layers are gone gives no LowerDir.
func (d *Daemon) graphDriverData(c *container.Container) map[string]string {
	dir := d.containerDir(c.ID)
	data := map[string]string{
		"UpperDir":  filepath.Join(dir, "upper"),
		"WorkDir":   filepath.Join(dir, "work"),
		"MergedDir": d.rootfsDir(c.ID),
	}
	rec, err := d.images.Get(c.Image)
	if err != nil {
		return data
	}
	if top := rec.TopChainID(); top == "" {
		data["LowerDir"] = filepath.Join(dir, "empty")
	} else if lowers, err := d.snapshots.Lowers(top); err == nil {
		data["LowerDir"] = strings.Join(lowers, ":")
	}
	return data
}

// securityOpt returns the value of key in --security-opt (key=value, or
// the old key:value), or "".
func securityOpt(opts []string, key string) string {
	for _, o := range opts {
		for _, sep := range []string{"=", ":"} {
			if k, v, ok := strings.Cut(o, sep); ok && k == key {
				return v
			}
		}
	}
	return ""
}

// containerSize returns the size of the container's writable layer and of
// its whole filesystem (the image's layers plus that layer), in bytes.
func (d *Daemon) containerSize(c *container.Container) (rw, rootfs int64) {
	rw, err := volume.DirSize(filepath.Join(d.containerDir(c.ID), "upper"))
	if err != nil {
		slog.Debug("sizing a container's writable layer", "container", c.ID, "error", err)
	}
	rootfs = rw
	if rec, err := d.images.Get(c.Image); err == nil {
		rootfs += rec.Size
	}
	return rw, rootfs
}
