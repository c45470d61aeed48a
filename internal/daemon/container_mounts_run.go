package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/volume"
	"github.com/containerd/errdefs"
	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/mount"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// createMounts resolves c's mounts at create: checks every spec, makes the
// named volumes that do not exist yet and the anonymous ones, creates a
// missing -v host path, records c as a user of its volumes and saves the
// list. On error nothing it made is left.
func (d *Daemon) createMounts(c *container.Container) (err error) {
	mps, err := container.ParseMountSpecs(c.Config, c.HostConfig)
	if err != nil {
		return err
	}
	if mps, err = d.addVolumesFrom(mps, c.HostConfig.VolumesFrom); err != nil {
		return err
	}
	var used, made []string
	defer func() {
		if err == nil {
			return
		}
		for _, name := range used {
			d.volumes.RemoveUser(name, c.ID)
		}
		for _, name := range made {
			d.volumes.Remove(context.Background(), name) // undo: never cut short
		}
	}()
	for i := range mps {
		mp := &mps[i]
		switch mp.Type {
		case mount.TypeBind:
			if err := checkBindSource(mp); err != nil {
				return err
			}
		case mount.TypeVolume:
			// TODO: the create request's context, once the lifecycle code
			// passes one down.
			v, created, err := d.volumes.Create(context.TODO(), volume.CreateOptions{
				Name: mp.Name, Driver: mp.Driver, Options: mp.VolumeOptions, Labels: mp.Labels, Anonymous: mp.Anonymous,
			})
			if err != nil {
				return err
			}
			if created {
				made = append(made, v.Name)
				d.logVolumeEvent(v.Name, events.ActionCreate, map[string]string{"driver": v.Driver})
			}
			mp.Name, mp.Driver = v.Name, v.Driver
			if err := d.volumes.AddUser(v.Name, c.ID); err != nil {
				return err
			}
			used = append(used, v.Name)
		}
	}
	c.Mounts = mps
	return nil
}

// checkBindSource makes a missing -v source, as Docker does, and refuses
// a missing --mount source.
func checkBindSource(mp *container.MountPoint) error {
	_, err := os.Stat(mp.Source)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if !mp.CreateSource {
		return container.MountConfigError(mount.TypeBind, "bind source path does not exist: %s", mp.Source)
	}
	return os.MkdirAll(mp.Source, 0o755)
}

// addVolumesFrom adds the volumes and binds of the containers named in
// --volumes-from (name[:ro|rw]). The client's own mounts win at the same
// destination; the implicit ones (-v /path, image VOLUMEs) give way.
func (d *Daemon) addVolumesFrom(mps []container.MountPoint, from []string) ([]container.MountPoint, error) {
	for _, spec := range from {
		name, mode, _ := strings.Cut(spec, ":")
		if mode != "" && mode != "ro" && mode != "rw" {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mode for volumes-from: %s", mode))
		}
		src, err := d.containers.Get(name)
		if err != nil {
			return nil, err
		}
		for _, mp := range src.Mounts {
			if mp.Type == mount.TypeTmpfs {
				continue
			}
			if mode != "" {
				mp.RW = mode == "rw"
			}
			mp.Anonymous = false // it belongs to the other container
			mp.CreateSource = true
			i := indexOfDest(mps, mp.Destination)
			switch {
			case i < 0:
				mps = append(mps, mp)
			case mps[i].Implicit:
				mps[i] = mp
			}
		}
	}
	return mps, nil
}

func indexOfDest(mps []container.MountPoint, dst string) int {
	for i := range mps {
		if mps[i].Destination == dst {
			return i
		}
	}
	return -1
}

// startMounts mounts c's volumes and returns the OCI mounts for its spec.
// A volume that is still empty is first filled with what the image has at
// the destination (unless nocopy), owners and modes kept. rootfs is the
// container's mounted root.
func (d *Daemon) startMounts(c *container.Container, rootfs string) (out []specs.Mount, err error) {
	mps := c.Mounts
	defer func() {
		if err != nil {
			d.releaseMounts(c)
		}
	}()
	for _, mp := range mps {
		switch mp.Type {
		case mount.TypeVolume:
			p, err := d.volumes.Mount(context.TODO(), mp.Name, c.ID) // TODO: the start request's context
			if err != nil {
				return nil, err
			}
			if !mp.NoCopy {
				if err := copyImageContent(rootfs, mp.Destination, p); err != nil {
					return nil, err
				}
			}
			if mp.Subpath != "" {
				if p, err = securejoin.SecureJoin(p, mp.Subpath); err != nil {
					return nil, err
				}
				if _, err := os.Stat(p); err != nil {
					return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("cannot access path %s: %v", p, err))
				}
			}
			out = append(out, bindSpec(p, mp))
		case mount.TypeBind:
			if err := checkBindSource(&mp); err != nil {
				return nil, err
			}
			out = append(out, bindSpec(mp.Source, mp))
		case mount.TypeTmpfs:
			out = append(out, specs.Mount{Destination: mp.Destination, Type: "tmpfs", Source: "tmpfs", Options: mp.TmpfsOptions})
		}
	}
	return out, nil
}

// copyImageContent fills an empty volume at p with the image's files at
// dest, resolved inside rootfs so that a symlink in the image cannot point
// the copy at the host.
func copyImageContent(rootfs, dest, p string) error {
	empty, err := volume.Empty(p)
	if err != nil || !empty {
		return err
	}
	src, err := securejoin.SecureJoin(rootfs, dest)
	if err != nil {
		return err
	}
	return volume.CopyUp(src, p)
}

func bindSpec(source string, mp container.MountPoint) specs.Mount {
	opts := []string{"rbind"}
	if mp.NonRecursive {
		opts[0] = "bind"
	}
	prop := string(mp.Propagation)
	if prop == "" {
		prop = "rprivate"
	}
	opts = append(opts, prop)
	if !mp.RW {
		opts = append(opts, "ro")
	}
	return specs.Mount{Destination: mp.Destination, Type: "bind", Source: source, Options: opts}
}

// releaseMounts drops c's use of its volumes' mounts when it stops.
func (d *Daemon) releaseMounts(c *container.Container) {
	for _, mp := range c.Mounts {
		if mp.Type == mount.TypeVolume {
			if err := d.volumes.Unmount(context.Background(), mp.Name, c.ID); err != nil {
				slog.Warn("unmounting volume", "volume", mp.Name, "container", c.ID, "error", err)
			}
		}
	}
}

// releaseVolumes forgets a removed container as a user of its volumes and,
// with removeAnonymous (rm -v, --rm), removes its anonymous volumes that no
// other container uses. Named volumes always stay.
func (d *Daemon) releaseVolumes(id string, mps []container.MountPoint, removeAnonymous bool) {
	for _, mp := range mps {
		if mp.Type != mount.TypeVolume {
			continue
		}
		d.volumes.Unmount(context.Background(), mp.Name, id)
		if err := d.volumes.RemoveUser(mp.Name, id); err != nil {
			slog.Warn("releasing volume", "volume", mp.Name, "container", id, "error", err)
			continue
		}
		if !removeAnonymous || !mp.Anonymous {
			continue
		}
		switch err := d.volumes.Remove(context.Background(), mp.Name); {
		case err == nil:
			d.logVolumeEvent(mp.Name, events.ActionDestroy, nil)
		case errdefs.IsConflict(err), errdefs.IsNotFound(err):
		default:
			slog.Warn("removing anonymous volume", "volume", mp.Name, "error", err)
		}
	}
}

// undoMounts takes back what createMounts did for a container whose
// record could not be stored.
func (d *Daemon) undoMounts(c *container.Container) {
	d.releaseVolumes(c.ID, c.Mounts, true)
	os.RemoveAll(d.containerDir(c.ID))
}
