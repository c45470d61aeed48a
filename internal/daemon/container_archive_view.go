package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"sync/atomic"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/moby/api/types/mount"
	"golang.org/x/sys/unix"
)

// copyView is a container's filesystem as docker cp reaches it: the root
// filesystem (mounted for the copy when the container is stopped) and the
// host roots of its mounts.
type copyView struct {
	rootfs      string
	mounts      []container.MountRoot
	releaseRoot func()
	volumes     []string // volumes mounted for the copy, under ref
	ref         string
	d           *Daemon
}

// copyRefs makes each copy its own volume user, so that releasing one never
// drops the container's (or another copy's) hold on a volume.
var copyRefs atomic.Uint64

// openCopyView prepares c's filesystem for a copy; the caller holds c's
// lock. A running container's mounts are reached through /proc/<pid>/root,
// the container's own root, so a path resolves as the container sees it
// (a tmpfs exists only in its mount namespace) while every lookup stays
// confined to that root. A stopped container's volumes and binds are
// reached on the host, each confined to its own directory; its tmpfs is
// gone and the directory beneath it is what a copy sees, as with Docker.
func (d *Daemon) openCopyView(c *container.Container) (*copyView, error) {
	rootfs, releaseRoot, err := d.mountForCopy(c)
	if err != nil {
		return nil, err
	}
	v := &copyView{rootfs: rootfs, releaseRoot: releaseRoot, d: d, ref: fmt.Sprintf("%s/cp-%d", c.ID, copyRefs.Add(1))}
	mps := c.Mounts
	procRoot := ""
	if c.State.IsRunning() && c.State.Pid != 0 && len(mps) > 0 {
		if procRoot, err = containerRoot(c.State.Pid, rootfs); err != nil {
			v.close()
			return nil, err
		}
	}
	for _, mp := range mps {
		mr := container.MountRoot{Destination: path.Clean(mp.Destination), ReadOnly: !mp.RW}
		if procRoot != "" {
			mr.Root, mr.ContainerRoot = procRoot, true
			v.mounts = append(v.mounts, mr)
			continue
		}
		switch mp.Type {
		case mount.TypeVolume:
			p, err := d.volumes.Mount(context.Background(), mp.Name, v.ref)
			if err != nil {
				v.close()
				return nil, err
			}
			v.volumes = append(v.volumes, mp.Name)
			if mp.Subpath != "" {
				if p, err = securejoin.SecureJoin(p, mp.Subpath); err != nil {
					v.close()
					return nil, err
				}
			}
			mr.Root = p
		case mount.TypeBind:
			mr.Root = mp.Source
		default: // a stopped container's tmpfs
			continue
		}
		v.mounts = append(v.mounts, mr)
	}
	return v, nil
}

// containerRoot is /proc/<pid>/root once it is known to be the container's
// root filesystem and not a stranger that took over an exited init's PID.
func containerRoot(pid int, rootfs string) (string, error) {
	p := fmt.Sprintf("/proc/%d/root", pid)
	var got, want unix.Stat_t
	if err := unix.Stat(p, &got); err != nil {
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("container process %d is gone: %v", pid, err))
	}
	if err := unix.Stat(rootfs, &want); err != nil {
		return "", err
	}
	if got.Dev != want.Dev || got.Ino != want.Ino {
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("process %d is no longer the container's", pid))
	}
	return p, nil
}

// close undoes what openCopyView mounted. The root filesystem is detached
// lazily, so handles already open (a stream being sent) keep working.
func (v *copyView) close() {
	v.detachRoot()
	v.releaseVolumes()
}

// detachRoot unmounts the root filesystem if the view mounted it, once.
func (v *copyView) detachRoot() {
	v.releaseRoot()
	v.releaseRoot = func() {}
}

func (v *copyView) releaseVolumes() {
	for _, name := range v.volumes {
		if err := v.d.volumes.Unmount(context.Background(), name, v.ref); err != nil {
			slog.Warn("releasing volume after copy", "volume", name, "error", err)
		}
	}
	v.volumes = nil
}
