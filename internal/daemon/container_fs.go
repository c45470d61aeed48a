package daemon

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/layer"
	"github.com/berth/berth/internal/mount"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// runtimeMountpoints are the paths the OCI runtime creates in a
// container's writable layer as mount targets when the image lacks them.
// Docker keeps them in a hidden init layer; Berth leaves them out of diff
// and commit instead (see layer.Upper).
var runtimeMountpoints = []string{
	"etc", "etc/hosts", "etc/hostname", "etc/resolv.conf", "etc/mtab", ".dockerenv",
	"dev", "dev/console", "dev/pts", "dev/shm", "dev/mqueue", "proc", "sys",
}

// lockContainer finds a container and takes its lock, so that it cannot
// start, stop or go away while its filesystem is read or written.
func (d *Daemon) lockContainer(name string) (*container.Container, func(), error) {
	c, err := d.containers.Get(name)
	if err != nil {
		return nil, nil, err
	}
	unlock := d.containers.Lock(c.ID)
	if c, err = d.containers.Get(c.ID); err != nil {
		unlock()
		return nil, nil, err
	}
	return c, unlock, nil
}

// upperOf describes the container's writable layer over its image.
func (d *Daemon) upperOf(c *container.Container) (layer.Upper, error) {
	u := layer.Upper{Dir: filepath.Join(d.containerDir(c.ID), "upper"), Mountpoints: runtimeMountpoints}
	rec, err := d.images.Get(c.Image)
	if err != nil {
		return u, err
	}
	if top := rec.TopChainID(); top != "" {
		if u.Lowers, err = d.snapshots.Lowers(top); err != nil {
			return u, err
		}
	}
	return u, nil
}

// mountForCopy makes the container's root filesystem available at its
// rootfs dir: it is while the container runs; otherwise it is mounted and
// the returned function unmounts it. The caller holds the container's lock.
func (d *Daemon) mountForCopy(c *container.Container) (string, func(), error) {
	target := d.rootfsDir(c.ID)
	mounted, err := mount.Mounted(target)
	if err != nil {
		return "", nil, err
	}
	if mounted {
		return target, func() {}, nil
	}
	if _, err := d.mountRootfs(c); err != nil {
		return "", nil, err
	}
	return target, func() { mount.Unmount(target) }, nil
}

// ContainerChanges lists what the container changed in its image's
// filesystem, as `docker diff` shows it.
func (d *Daemon) ContainerChanges(ctx context.Context, name string) ([]apicontainer.FilesystemChange, error) {
	c, err := d.containers.Get(name)
	if err != nil {
		return nil, err
	}
	u, err := d.upperOf(c)
	if err != nil {
		return nil, err
	}
	changes, err := u.Changes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]apicontainer.FilesystemChange, 0, len(changes))
	for _, ch := range changes {
		out = append(out, apicontainer.FilesystemChange{Kind: apicontainer.ChangeType(ch.Kind), Path: ch.Path})
	}
	return out, nil
}

// ContainerExport writes the container's whole filesystem to w as a tar,
// as the container sees it minus what is mounted into it (/proc, volumes,
// the managed /etc files): only the overlay is read.
func (d *Daemon) ContainerExport(ctx context.Context, name string, w io.Writer) error {
	c, unlock, err := d.lockContainer(name)
	if err != nil {
		return err
	}
	defer unlock()
	root, release, err := d.mountForCopy(c)
	if err != nil {
		return err
	}
	defer release()
	dir, err := os.Open(root)
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := layer.WriteTar(ctx, w, dir, ".", ""); err != nil {
		return err
	}
	d.logContainerEvent(c, events.ActionExport, nil)
	return nil
}
