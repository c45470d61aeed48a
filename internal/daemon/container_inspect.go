package daemon

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/images"
	"github.com/berth/berth/internal/layer"
	apicontainer "github.com/moby/moby/api/types/container"
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

// inspect is the record's description with what the storage, volume and
// network services add.
func (d *Daemon) inspect(c *container.Container) *apicontainer.InspectResponse {
	dir := d.containerDir(c.ID)
	resp := c.Inspect()
	resp.ResolvConfPath = filepath.Join(dir, "resolv.conf")
	resp.HostnamePath = filepath.Join(dir, "hostname")
	resp.HostsPath = filepath.Join(dir, "hosts")
	resp.Driver = images.StorageDriver
	resp.GraphDriver = &storage.DriverData{Name: images.StorageDriver, Data: d.graphDriverData(c)}
	resp.Mounts = d.volumes.ContainerMounts(c)
	d.networks.FillNetworkSettings(c, resp.NetworkSettings)
	resp.HostConfig.Links = d.networks.StoredLinks(c)
	if t := c.HostConfig.LogConfig.Type; t == "" || t == "json-file" {
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

// containerSize returns the size of the container's writable layer and of
// its whole filesystem (the image's layers plus that layer), in bytes.
func (d *Daemon) containerSize(c *container.Container) (rw, rootfs int64) {
	rw, err := layer.DiskUsage(filepath.Join(d.containerDir(c.ID), "upper"))
	if err != nil {
		slog.Debug("sizing a container's writable layer", "container", c.ID, "error", err)
	}
	rootfs = rw
	if rec, err := d.images.Get(c.Image); err == nil {
		rootfs += rec.Size
	}
	return rw, rootfs
}
