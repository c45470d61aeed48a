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

// openSource finds path in the container's root filesystem, which the
// caller has mounted, for docker cp.
func openSource(root, path, name string) (*layer.Source, error) {
	s, err := layer.OpenSource(root, path)
	if errdefs.IsNotFound(err) {
		return nil, fileNotFound(path, name)
	}
	return s, err
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
	root, release, err := d.mountForCopy(c)
	if err != nil {
		return nil, err
	}
	defer release()
	s, err := openSource(root, path, name)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return pathStat(s), nil
}

// ContainerArchivePath streams a tar of a path of the container's
// filesystem, its top entry named after the path's last element. The
// container stays locked (and, when stopped, mounted) until the stream is
// closed.
func (d *Daemon) ContainerArchivePath(ctx context.Context, name, path string) (io.ReadCloser, *apicontainer.PathStat, error) {
	c, unlock, err := d.lockContainer(name)
	if err != nil {
		return nil, nil, err
	}
	root, release, err := d.mountForCopy(c)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	s, err := openSource(root, path, name)
	if err != nil {
		release()
		unlock()
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
		release()
		unlock()
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
	if c.HostConfig != nil && c.HostConfig.ReadonlyRootfs {
		return errdefs.ErrInvalidArgument.WithMessage("container rootfs is marked read-only")
	}
	root, release, err := d.mountForCopy(c)
	if err != nil {
		return err
	}
	defer release()
	xo := layer.ExtractOptions{NoOverwriteDirNonDir: opts.NoOverwriteDirNonDir}
	if opts.CopyUIDGID {
		if xo.Owner, err = copyOwner(root, c); err != nil {
			return err
		}
	}
	if err := layer.Extract(ctx, root, opts.Path, content, xo); err != nil {
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
