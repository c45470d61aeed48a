package daemon

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/berth/berth/internal/container"
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
	resp.Driver = storageDriver
	resp.GraphDriver = &storage.DriverData{Name: storageDriver, Data: d.graphDriverData(c)}
	resp.Mounts = d.containerMounts(c)
	d.fillNetworkSettings(c, resp.NetworkSettings)
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
	rw, err := dirSize(filepath.Join(d.containerDir(c.ID), "upper"))
	if err != nil {
		slog.Debug("sizing a container's writable layer", "container", c.ID, "error", err)
	}
	rootfs = rw
	if rec, err := d.images.Get(c.Image); err == nil {
		rootfs += rec.Size
	}
	return rw, rootfs
}

// dirSize adds up the sizes of the files below root, counting a file with
// several hard links once. A missing root (never started) is empty.
func dirSize(root string) (int64, error) {
	var total int64
	seen := map[uint64]bool{}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return nil // a file that vanished meanwhile, or an unreadable dir
		}
		if e.IsDir() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
			if seen[st.Ino] {
				return nil
			}
			seen[st.Ino] = true
		}
		total += info.Size()
		return nil
	})
	return total, err
}
