package daemon

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/berth/berth/internal/container"
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
			Health:     st.InspectHealth(),
		},
		Image:           c.Image.String(),
		ResolvConfPath:  filepath.Join(dir, "resolv.conf"),
		HostnamePath:    filepath.Join(dir, "hostname"),
		HostsPath:       filepath.Join(dir, "hosts"),
		Name:            "/" + c.Name,
		RestartCount:    c.RestartCount,
		Driver:          storageDriver,
		Platform:        "linux",
		AppArmorProfile: securityOpt(hc.SecurityOpt, "apparmor"),
		HostConfig:      &hc,
		GraphDriver:     &storage.DriverData{Name: storageDriver, Data: d.graphDriverData(c)},
		Mounts:          d.containerMounts(c),
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
