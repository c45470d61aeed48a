package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/supervisor"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/mount"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"golang.org/x/sys/unix"
)

// ContainerRemove deletes a stopped container, or with Force a running
// one after killing it, and everything it wrote outside volumes.
func (d *Daemon) ContainerRemove(ctx context.Context, name string, opts backend.RemoveOptions) error {
	if opts.RemoveLink {
		return d.networks.RemoveLink(name) // the link goes, no container does
	}
	c, err := d.containers.Get(name)
	if err != nil {
		return err
	}
	if c.State.IsRunning() {
		if !opts.Force {
			if c.State.Status == container.Paused {
				return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot remove container \"/%s\": container is paused and must be unpaused first", c.Name))
			}
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot remove container \"/%s\": container is running: stop the container before removing or force remove", c.Name))
		}
		if err := d.sup.Terminate(ctx, c.ID); err != nil {
			return err
		}
	}
	unlock := d.containers.Lock(c.ID)
	defer unlock()
	c, err = d.containers.Update(c.ID, func(c *container.Container) error {
		if c.State.IsRunning() {
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot remove container \"/%s\": container is running", c.Name))
		}
		return c.State.SetRemoving()
	})
	if err != nil {
		return err
	}
	if err := d.cleanupContainer(ctx, c); err != nil {
		d.updateOrLog(c.ID, func(c *container.Container) error { c.State.SetDead(); return nil })
		return fmt.Errorf("unable to remove filesystem for %s: %w", c.ID, err)
	}
	if err := d.containers.Delete(c.ID); err != nil {
		return err
	}
	d.volumes.ReleaseVolumes(c.ID, c.Mounts, opts.RemoveVolumes)
	d.logContainerEvent(c, events.ActionDestroy, nil)
	d.sup.Removed(c.ID, c.State.ExitCode)
	return nil
}

// cleanupContainer removes the runtime's leftovers, the mount, and the
// container's directories.
func (d *Daemon) cleanupContainer(ctx context.Context, c *container.Container) error {
	// The shim deletes the runtime's state right after it reported the
	// exit; only a shim that died first leaves any for good. Either way it
	// holds nothing the removal needs, so it is cleared off the hot path,
	// a second later, when the shim has normally done it already.
	if rt, err := d.runtimeFor(c.Runtime); err == nil {
		if _, err := os.Stat(filepath.Join(rt.Root, c.ID)); err == nil {
			req := supervisor.CreateRequest{ID: c.ID, RuntimeName: rt.Name, RuntimePath: rt.Path, RuntimeRoot: rt.Root}
			go func() {
				time.Sleep(time.Second)
				if err := d.sup.Cleanup(context.Background(), req); err != nil {
					slog.Warn("removing a dead container's runtime state", "container", c.ID, "error", err)
				}
			}()
		}
	}
	if err := mount.Unmount(d.rootfsDir(c.ID)); err != nil {
		return err
	}
	removeCgroups(cgroupsPath(c.ID))
	d.networks.Release(ctx, c)
	if err := os.RemoveAll(d.bundleDir(c.ID)); err != nil {
		return err
	}
	return os.RemoveAll(d.containerDir(c.ID))
}

// removeCgroups removes the container's cgroup in every hierarchy, in case
// the runtime could not (it was killed, or the container never ran).
func removeCgroups(path string) {
	roots, _ := os.ReadDir("/sys/fs/cgroup")
	for _, r := range roots {
		unix.Rmdir("/sys/fs/cgroup/" + r.Name() + path)
	}
	unix.Rmdir("/sys/fs/cgroup" + path)
}
