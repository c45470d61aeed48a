package volumes

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/volume"
	"github.com/containerd/errdefs"
	securejoin "github.com/cyphar/filepath-securejoin"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/mount"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// CreateMounts resolves c's mounts at create: checks every spec, makes the
// named volumes that do not exist yet and the anonymous ones, creates a
// missing -v host path, records c as a user of its volumes and saves the
// list. On error nothing it made is left.
func (s *Service) CreateMounts(ctx context.Context, c *container.Container) (err error) {
	mps, err := container.ParseMountSpecs(c.Config, c.HostConfig)
	if err != nil {
		return err
	}
	if mps, err = s.addVolumesFrom(mps, c.HostConfig.VolumesFrom); err != nil {
		return err
	}
	var used, made []string
	defer func() {
		if err == nil {
			return
		}
		for _, name := range used {
			s.RemoveUser(name, c.ID)
		}
		for _, name := range made {
			s.Store.Remove(context.Background(), name) // undo: never cut short
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
			v, created, err := s.Store.Create(ctx, volume.CreateOptions{
				Name: mp.Name, Driver: mp.Driver, Options: mp.VolumeOptions, Labels: mp.Labels, Anonymous: mp.Anonymous,
			})
			if err != nil {
				return err
			}
			if created {
				made = append(made, v.Name)
				s.logEvent(v.Name, events.ActionCreate, map[string]string{"driver": v.Driver})
			}
			mp.Name, mp.Driver = v.Name, v.Driver
			if err := s.AddUser(v.Name, c.ID); err != nil {
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
func (s *Service) addVolumesFrom(mps []container.MountPoint, from []string) ([]container.MountPoint, error) {
	for _, spec := range from {
		name, mode, _ := strings.Cut(spec, ":")
		if mode != "" && mode != "ro" && mode != "rw" {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mode for volumes-from: %s", mode))
		}
		src, err := s.containers.Get(name)
		if errdefs.IsNotFound(err) {
			// The client's mistake, not a missing resource: 400, as Docker's.
			return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
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

// StartMounts mounts c's volumes and returns the OCI mounts for its spec.
// A volume that is still empty is first filled with what the image has at
// the destination (unless nocopy), owners and modes kept. rootfs is the
// container's mounted root.
func (s *Service) StartMounts(ctx context.Context, c *container.Container, rootfs string) (out []specs.Mount, err error) {
	mps := c.Mounts
	defer func() {
		if err != nil {
			s.ReleaseMounts(c)
		}
	}()
	for _, mp := range mps {
		switch mp.Type {
		case mount.TypeVolume:
			p, err := s.Mount(ctx, mp.Name, c.ID)
			if err != nil {
				return nil, err
			}
			if mp.Subpath != "" {
				// The subpath is what gets mounted, and filled from the
				// image when empty, as Docker's.
				if p, err = resolveSubpath(p, mp.Subpath); err != nil {
					return nil, err
				}
			}
			if !mp.NoCopy {
				if err := copyImageContent(rootfs, mp.Destination, p); err != nil {
					return nil, err
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

// ReleaseMounts drops c's use of its volumes' mounts when it stops.
func (s *Service) ReleaseMounts(c *container.Container) {
	for _, mp := range c.Mounts {
		if mp.Type == mount.TypeVolume {
			if err := s.Unmount(context.Background(), mp.Name, c.ID); err != nil {
				slog.Warn("unmounting volume", "volume", mp.Name, "container", c.ID, "error", err)
			}
		}
	}
}

// ReleaseVolumes forgets a removed container as a user of its volumes and,
// with removeAnonymous (rm -v, --rm), removes its anonymous volumes that no
// other container uses. Named volumes always stay.
func (s *Service) ReleaseVolumes(id string, mps []container.MountPoint, removeAnonymous bool) {
	for _, mp := range mps {
		if mp.Type != mount.TypeVolume {
			continue
		}
		s.Unmount(context.Background(), mp.Name, id)
		if err := s.RemoveUser(mp.Name, id); err != nil {
			slog.Warn("releasing volume", "volume", mp.Name, "container", id, "error", err)
			continue
		}
		if !removeAnonymous || !mp.Anonymous {
			continue
		}
		switch err := s.Store.Remove(context.Background(), mp.Name); {
		case err == nil:
			s.logEvent(mp.Name, events.ActionDestroy, nil)
		case errdefs.IsConflict(err), errdefs.IsNotFound(err):
		default:
			slog.Warn("removing anonymous volume", "volume", mp.Name, "error", err)
		}
	}
}

// UndoMounts takes back what CreateMounts did for a container whose
// record could not be stored.
func (s *Service) UndoMounts(c *container.Container) {
	s.ReleaseVolumes(c.ID, c.Mounts, true)
}

// ContainerMounts is the Mounts field of inspect and ps.
func (s *Service) ContainerMounts(c *container.Container) []apicontainer.MountPoint {
	out := []apicontainer.MountPoint{}
	for _, mp := range c.Mounts {
		if mp.Hidden {
			continue
		}
		out = append(out, mp.API(func(name string) string { return s.Path(&volume.Volume{Name: name, Driver: mp.Driver}) }))
	}
	return out
}

// resolveSubpath finds a volume's subpath with its links followed, as
// Docker does: one that does not exist is not found ("cannot access path
// …"), one whose links lead out of the volume is refused rather than
// confined ("path concatenation escapes the base directory, …").
func resolveSubpath(base, subpath string) (string, error) {
	baseResolved, err := filepath.EvalSymlinks(base)
	if err != nil {
		return "", err
	}
	combined := filepath.Join(baseResolved, subpath)
	resolved, err := filepath.EvalSymlinks(combined)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", errdefs.ErrNotFound.WithMessage(fmt.Sprintf("cannot access path %s: %v", combined, err))
		}
		return "", err
	}
	rel, err := filepath.Rel(baseResolved, resolved)
	if err != nil || !filepath.IsLocal(rel) {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("path concatenation escapes the base directory, base: %s, subpath: %s", baseResolved, subpath))
	}
	return resolved, nil
}
