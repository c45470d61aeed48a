package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/spec"
	"github.com/berth/berth/internal/jsonlog"
	"github.com/berth/berth/internal/mount"
	"github.com/berth/berth/internal/shim"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
)

// ContainerStart starts a created or stopped container.
func (d *Daemon) ContainerStart(ctx context.Context, name string) error {
	c, err := d.containers.Get(name)
	if err != nil {
		return err
	}
	unlock := d.containers.Lock(c.ID)
	defer unlock()
	if c, err = d.containers.Get(c.ID); err != nil {
		return err
	}
	switch c.State.Status {
	case container.Running, container.Restarting:
		return errdefs.ErrNotModified.WithMessage("container already started")
	case container.Paused:
		return errdefs.ErrConflict.WithMessage("cannot start a paused container, try unpause instead")
	case container.Removing, container.Dead:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is marked for removal and cannot be started", c.ID))
	}
	if err := d.startLocked(ctx, c, false); err != nil {
		d.startFailed(c)
		return err
	}
	return nil
}

// startFailed releases what waits on a start that did not happen: attached
// clients, and with --rm the container itself, which Docker removes so that
// a client waiting for its removal is answered.
func (d *Daemon) startFailed(c *container.Container) {
	d.attaches.fail(c.ID)
	if c.HostConfig.AutoRemove {
		go func() {
			if err := d.ContainerRemove(context.Background(), c.ID, backend.RemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !errdefs.IsNotFound(err) {
				slog.Warn("removing a --rm container whose start failed", "container", c.ID, "error", err)
			}
		}()
	}
}

// startLocked runs a container's process; the caller holds its lock.
// byPolicy says the restart policy, not a client, asked for it.
func (d *Daemon) startLocked(ctx context.Context, c *container.Container, byPolicy bool) (err error) {
	rt, err := d.runtimeFor(c.Runtime)
	if err != nil {
		return err
	}
	for _, dir := range []string{d.containerDir(c.ID), d.bundleDir(c.ID)} {
		if err := os.MkdirAll(dir, 0o710); err != nil {
			return err
		}
	}
	rootfs, err := d.mountRootfs(c)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			mount.Unmount(rootfs)
		}
	}()
	netns, attachNet, err := d.setupNetwork(ctx, c)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			d.releaseNetwork(context.Background(), c)
		}
	}()
	// Endpoints are attached while the runtime creates the container (the
	// namespace exists already); they must be in place before start.
	netErr := make(chan error, 1)
	if attachNet != nil {
		go func() { netErr <- attachNet(context.WithoutCancel(ctx)) }()
	} else {
		netErr <- nil
	}
	waitNet := sync.OnceValue(func() error { return <-netErr })
	defer func() {
		if err != nil {
			waitNet() // before the network is released above
		}
	}()
	// Written now so the bind mounts exist, and again once the container's
	// address is known: the files are rewritten in place.
	etc, err := d.writeEtcFiles(c)
	if err != nil {
		return err
	}
	mounts, err := d.startMounts(c, rootfs)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			d.releaseMounts(c)
		}
	}()
	s, err := spec.Generate(spec.Input{
		ID: c.ID, Config: c.Config, HostConfig: c.HostConfig, Rootfs: rootfs,
		Hostname: c.Config.Hostname, EtcFiles: etc, CgroupsPath: cgroupsPath(c.ID),
		InitPath: d.initPath, NetNSPath: netns, Mounts: mounts,
	})
	if err != nil {
		return err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d.bundleDir(c.ID), "config.json"), data, 0o600); err != nil {
		return err
	}
	os.Remove(d.exitFile(c.ID))
	logOpts, err := logOptions(c)
	if err != nil {
		return err
	}
	if logOpts.maxFiles > 0 { // "none" leaves no log
		logOpts.path = d.logPath(c.ID)
	}
	cl, pid, err := shim.Launch(ctx, shim.LaunchConfig{
		Binary: d.shimPath,
		Config: shim.Config{
			ID: c.ID, Bundle: d.bundleDir(c.ID), Socket: d.shimSocket(c.ID), ExitFile: d.exitFile(c.ID),
			RuntimeName: rt.Name, RuntimePath: rt.Path, RuntimeRoot: rt.Root,
			LogPath: logOpts.path, LogMaxSize: logOpts.maxSize, LogMaxFile: logOpts.maxFiles,
			TTY: c.Config.Tty, Stdin: c.Config.OpenStdin, StdinOnce: c.Config.StdinOnce,
			CgroupPath: cgroupsPath(c.ID),
		},
	})
	if err != nil {
		code, classified := startError(err)
		d.updateOrLog(c.ID, func(c *container.Container) error {
			c.State.SetStartFailed(code, classified.Error(), time.Now().UTC())
			return nil
		})
		return classified
	}
	// The shim outlives berthd by design, but while berthd lives it is
	// berthd's child and must be reaped.
	go cl.Process().Wait()
	if err := waitNet(); err != nil {
		cl.Kill(ctx, syscall.SIGKILL, true)
		return err
	}
	if attachNet != nil {
		if _, err := d.writeEtcFiles(c); err != nil {
			cl.Kill(ctx, syscall.SIGKILL, true)
			return err
		}
	}
	d.shims.set(c.ID, cl)
	d.attaches.connect(c.ID, cl)
	if err := cl.Start(ctx); err != nil {
		cl.Kill(ctx, syscall.SIGKILL, true)
		d.shims.drop(c.ID)
		return fmt.Errorf("starting container: %w", err)
	}
	c, err = d.containers.Update(c.ID, func(c *container.Container) error {
		if err := c.State.SetRunning(pid, time.Now().UTC()); err != nil {
			return err
		}
		c.Generation++
		if !byPolicy {
			c.RestartCount = 0
			c.ManuallyStopped = false
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.logContainerEvent(c, events.ActionStart, nil)
	go d.monitor(c.ID, c.Generation, cl)
	return nil
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

// crunNotFound is crun's wording for a missing command; runc says it as
// Docker does.
var crunNotFound = regexp.MustCompile("executable file `([^`]*)` not found in \\$PATH")

// startError turns a runtime's refusal into Docker's words and class, and
// the exit code the docker CLI derives from the same words: 127 for a
// command that does not exist, 126 for one that cannot be executed.
func startError(err error) (int, error) {
	msg := err.Error()
	if m := crunNotFound.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("exec: %q: executable file not found in $PATH", m[1])
	}
	msg = "failed to create task for container: OCI runtime create failed: " + msg
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "executable file not found"), strings.Contains(lower, "no such file or directory"):
		return 127, errdefs.ErrInvalidArgument.WithMessage(msg)
	case strings.Contains(lower, "permission denied"):
		return 126, errdefs.ErrInvalidArgument.WithMessage(msg)
	}
	return 128, errdefs.ErrUnknown.WithMessage(msg)
}
