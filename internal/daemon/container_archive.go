package daemon

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/spec"
	"github.com/berth/berth/internal/layer"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// fileNotFound is Docker's error for a path missing in a container; the
// docker CLI shows it as is.
func fileNotFound(path, name string) error {
	return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("Could not find the file %s in container %s", path, name))
}

// openSource finds path in the container's filesystem as it looks from
// inside: on the mount that holds it, or in the root filesystem.
func openSource(v *copyView, p, name string) (*layer.Source, error) {
	loc, err := container.Locate(v.rootfs, v.mounts, p)
	if err != nil {
		return nil, err
	}
	s, err := layer.OpenSource(loc.Root, loc.Path)
	if errdefs.IsNotFound(err) {
		return nil, fileNotFound(p, name)
	}
	if err != nil {
		return nil, err
	}
	s.Name = loc.Name
	if s.LinkTarget != "" {
		s.LinkTarget = loc.ContainerPath(s.LinkTarget)
	}
	return s, nil
}

func pathStat(s *layer.Source) *apicontainer.PathStat {
	return &apicontainer.PathStat{
		Name:       s.Name,
		Size:       s.Stat.Size,
		Mode:       layer.FileMode(s.Stat.Mode),
		Mtime:      time.Unix(s.Stat.Mtim.Sec, s.Stat.Mtim.Nsec),
		LinkTarget: s.LinkTarget,
	}
}

// ContainerStatPath describes a path of the container's filesystem
// (HEAD /containers/{name}/archive): docker cp asks before copying.
func (d *Daemon) ContainerStatPath(ctx context.Context, name, path string) (*apicontainer.PathStat, error) {
	c, unlock, err := d.lockContainer(name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	v, err := d.openCopyView(c)
	if err != nil {
		return nil, err
	}
	defer v.close()
	s, err := openSource(v, path, name)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return pathStat(s), nil
}

// ContainerArchivePath streams a tar of a path of the container's
// filesystem, its top entry named after the path's last element. The
// container is locked only while the path is found and opened: the stream
// reads through open handles, so a slow client never holds up stop,
// start or inspect. Volumes mounted for the copy stay until it is closed.
func (d *Daemon) ContainerArchivePath(ctx context.Context, name, path string) (io.ReadCloser, *apicontainer.PathStat, error) {
	c, unlock, err := d.lockContainer(name)
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	v, err := d.openCopyView(c)
	if err != nil {
		return nil, nil, err
	}
	s, err := openSource(v, path, name)
	v.detachRoot() // the open handles keep what they need
	if err != nil {
		v.close()
		return nil, nil, err
	}
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		pw.CloseWithError(s.WriteTar(ctx, pw))
	}()
	rc := &archiveStream{PipeReader: pr, done: done, cleanup: func() {
		s.Close()
		v.close()
	}}
	d.logContainerEvent(c, events.ActionArchivePath, nil)
	return rc, pathStat(s), nil
}

// archiveStream releases the container once its reader is done with it.
type archiveStream struct {
	*io.PipeReader
	done    chan struct{}
	cleanup func()
}

func (a *archiveStream) Close() error {
	a.PipeReader.CloseWithError(io.ErrClosedPipe) // stops the writer if the client left early
	<-a.done
	a.cleanup()
	return nil
}

// ContainerExtractToDir unpacks the client's tar into a directory of the
// container's filesystem (PUT /containers/{name}/archive). Every name in
// the tar, and the directory itself, is resolved inside the container's
// root. With CopyUIDGID the files go to the container's user, looked up in
// its /etc/passwd and /etc/group (read, never executed).
func (d *Daemon) ContainerExtractToDir(ctx context.Context, name string, opts backend.ArchiveOptions, content io.Reader) error {
	c, unlock, err := d.lockContainer(name)
	if err != nil {
		return err
	}
	defer unlock()
	v, err := d.openCopyView(c)
	if err != nil {
		return err
	}
	defer v.close()
	loc, err := container.Locate(v.rootfs, v.mounts, opts.Path)
	if err != nil {
		return err
	}
	switch {
	case loc.Mount != nil && loc.Mount.ReadOnly:
		return errdefs.ErrInvalidArgument.WithMessage("mounted volume is marked read-only")
	case loc.Mount == nil && c.HostConfig != nil && c.HostConfig.ReadonlyRootfs:
		return errdefs.ErrInvalidArgument.WithMessage("container rootfs is marked read-only")
	}
	xo := layer.ExtractOptions{NoOverwriteDirNonDir: opts.NoOverwriteDirNonDir}
	if opts.CopyUIDGID {
		if xo.Owner, err = copyOwner(v.rootfs, c); err != nil {
			return err
		}
	}
	if err := layer.Extract(ctx, loc.Root, loc.Path, content, xo); err != nil {
		if errdefs.IsNotFound(err) {
			return fileNotFound(opts.Path, name)
		}
		return err
	}
	d.logContainerEvent(c, events.ActionExtractToDir, nil)
	return nil
}

// copyOwner is who docker cp -a gives the files to: the container's
// --user. Without one the archive's owners are kept, as Docker does.
func copyOwner(root string, c *container.Container) (*layer.Owner, error) {
	if c.Config == nil || c.Config.User == "" {
		return nil, nil
	}
	u, err := spec.LookupUser(root, c.Config.User, nil)
	if err != nil {
		return nil, err
	}
	return &layer.Owner{UID: int(u.UID), GID: int(u.GID)}, nil
}
