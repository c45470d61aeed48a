package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/spec"
	"github.com/berth/berth/internal/jsonlog"
	"github.com/berth/berth/internal/mount"
	"github.com/berth/berth/internal/supervisor"
	"github.com/containerd/errdefs"
)

// environment is the supervisor's Environment: what a run needs besides
// its process, made from the image, volume and network services.
type environment struct{ d *Daemon }

// Prepare mounts the root filesystem, sets up the network namespace (its
// endpoints are attached while the runtime creates the container), writes
// the managed /etc files and the OCI bundle.
func (e environment) Prepare(ctx context.Context, c *container.Container) (_ *supervisor.Run, err error) {
	d := e.d
	rt, err := d.runtimeFor(c.Runtime)
	if err != nil {
		return nil, err
	}
	for _, dir := range []string{d.containerDir(c.ID), d.bundleDir(c.ID)} {
		if err := os.MkdirAll(dir, 0o710); err != nil {
			return nil, err
		}
	}
	var undo []func()
	abort := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	defer func() {
		if err != nil {
			abort()
		}
	}()
	rootfs, err := d.mountRootfs(c)
	if err != nil {
		return nil, err
	}
	undo = append(undo, func() { mount.Unmount(rootfs) })
	netns, attachNet, err := d.networks.Setup(ctx, c)
	if err != nil {
		return nil, err
	}
	undo = append(undo, func() { d.networks.Release(context.Background(), c) })
	// Endpoints are attached while the runtime creates the container (the
	// namespace exists already); they must be in place before start.
	netErr := make(chan error, 1)
	if attachNet != nil {
		go func() { netErr <- attachNet(context.WithoutCancel(ctx)) }()
	} else {
		netErr <- nil
	}
	waitNet := sync.OnceValue(func() error { return <-netErr })
	undo = append(undo, func() { waitNet() }) // before the network is released
	// Written now so the bind mounts exist, and again once the container's
	// address is known: the files are rewritten in place.
	etc, err := d.writeEtcFiles(c)
	if err != nil {
		return nil, err
	}
	mounts, err := d.volumes.StartMounts(ctx, c, rootfs)
	if err != nil {
		return nil, err
	}
	undo = append(undo, func() { d.volumes.ReleaseMounts(c) })
	joined, err := d.sharedNamespaces(c)
	if err != nil {
		return nil, err
	}
	undo = append(undo, func() { mount.Unmount(d.shmDir(c.ID)) })
	s, err := spec.Generate(spec.Input{
		ID: c.ID, Config: c.Config, HostConfig: c.HostConfig, Rootfs: rootfs,
		Hostname: c.Config.Hostname, EtcFiles: etc, CgroupsPath: cgroupsPath(c.ID),
		InitPath: d.initPath, NetNSPath: netns, Mounts: mounts,
		PidNSPath: joined.PidNS, IpcNSPath: joined.IpcNS, ShmPath: joined.Shm,
		NoNewPrivileges: d.cfg.NoNewPrivileges,
	})
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(d.bundleDir(c.ID), "config.json"), data, 0o600); err != nil {
		return nil, err
	}
	logOpts, err := logOptions(c)
	if err != nil {
		return nil, err
	}
	if logOpts.maxFiles > 0 { // "none" leaves no log
		logOpts.path = d.logPath(c.ID)
	}
	return &supervisor.Run{
		Create: supervisor.CreateRequest{
			ID: c.ID, Bundle: d.bundleDir(c.ID),
			RuntimeName: rt.Name, RuntimePath: rt.Path, RuntimeRoot: rt.Root,
			LogPath: logOpts.path, LogMaxSize: logOpts.maxSize, LogMaxFile: logOpts.maxFiles,
			TTY: c.Config.Tty, Stdin: c.Config.OpenStdin, StdinOnce: c.Config.StdinOnce,
			CgroupPath: cgroupsPath(c.ID),
		},
		Ready: func() error {
			if err := waitNet(); err != nil || attachNet == nil {
				return err
			}
			_, err := d.writeEtcFiles(c)
			return err
		},
		Abort: abort,
	}, nil
}

// Release takes down what a stopped container no longer needs: its root
// filesystem mount, its bundle and its endpoints. The writable layer stays.
func (e environment) Release(ctx context.Context, c *container.Container) {
	d := e.d
	d.volumes.ReleaseMounts(c)
	if err := mount.Unmount(d.shmDir(c.ID)); err != nil {
		slog.Warn("unmounting container /dev/shm", "container", c.ID, "error", err)
	}
	if err := mount.Unmount(d.rootfsDir(c.ID)); err != nil {
		slog.Warn("unmounting container rootfs", "container", c.ID, "error", err)
	}
	os.RemoveAll(d.bundleDir(c.ID))
	d.networks.Release(ctx, c)
}

// sharedNamespaces gives what c joins of other containers (--pid, --ipc
// container:<name>) and, for --ipc shareable, mounts the host tmpfs that
// becomes its /dev/shm.
func (d *Daemon) sharedNamespaces(c *container.Container) (container.Joined, error) {
	joined, err := container.JoinedNamespaces(c.HostConfig, d.containers.Get, d.shmDir)
	if err != nil || !c.HostConfig.IpcMode.IsShareable() {
		return joined, err
	}
	size := c.HostConfig.ShmSize
	if size <= 0 {
		size = spec.DefaultShmSize
	}
	joined.Shm = d.shmDir(c.ID)
	return joined, container.MountShm(joined.Shm, size)
}

// mountRootfs mounts the container's overlay unless it already is (a
// restart, or a daemon that came back while the container ran).
func (d *Daemon) mountRootfs(c *container.Container) (string, error) {
	target := d.rootfsDir(c.ID)
	if ok, err := mount.Mounted(target); err != nil || ok {
		return target, err
	}
	rec, err := d.images.Get(c.Image)
	if err != nil {
		return "", fmt.Errorf("image of container %s: %w", c.ShortID(), err)
	}
	var lowers []string
	if top := rec.TopChainID(); top != "" {
		if lowers, err = d.snapshots.Lowers(top); err != nil {
			return "", err
		}
	} else {
		empty := filepath.Join(d.containerDir(c.ID), "empty")
		if err := os.MkdirAll(empty, 0o755); err != nil {
			return "", err
		}
		lowers = []string{empty}
	}
	dir := d.containerDir(c.ID)
	o := mount.Overlay{Lower: lowers, Upper: filepath.Join(dir, "upper"), Work: filepath.Join(dir, "work"), Target: target}
	return target, o.Mount()
}

func cgroupsPath(id string) string { return "/berth/" + id }

type logOpts struct {
	path     string
	maxSize  int64
	maxFiles int
}

// logOptions reads --log-driver and --log-opt; json-file (the default)
// and none are the drivers Berth has.
func logOptions(c *container.Container) (logOpts, error) {
	lc := c.HostConfig.LogConfig
	switch lc.Type {
	case "", "json-file":
	case "none":
		return logOpts{}, nil
	default:
		return logOpts{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("logger: no log driver named '%s' is registered", lc.Type))
	}
	o, err := jsonlog.ParseOptions(lc.Config)
	if err != nil {
		return logOpts{}, err
	}
	return logOpts{maxSize: o.MaxSize, maxFiles: max(o.MaxFiles, 1)}, nil
}
