package container_test

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

// The fake's filesystem, commit and exec methods.

func (f *fakeBackend) ContainerStatPath(_ context.Context, name, path string) (*container.PathStat, error) {
	if path == "/nope" {
		return nil, errdefs.ErrNotFound.WithMessage("Could not find the file /nope in container " + name)
	}
	return &container.PathStat{Name: "etc", Size: 4096, Mode: 0o755 | 1<<31, Mtime: time.Unix(0, 0).UTC()}, nil
}

func (f *fakeBackend) ContainerArchivePath(ctx context.Context, name, path string) (io.ReadCloser, *container.PathStat, error) {
	st, err := f.ContainerStatPath(ctx, name, path)
	if err != nil {
		return nil, nil, err
	}
	return io.NopCloser(strings.NewReader("tar of " + path)), st, nil
}

func (f *fakeBackend) ContainerExtractToDir(_ context.Context, name string, o backend.ArchiveOptions, r io.Reader) error {
	b, _ := io.ReadAll(r)
	f.record("extract %s %s nodir=%v uid=%v %s", name, o.Path, o.NoOverwriteDirNonDir, o.CopyUIDGID, b)
	return nil
}

func (f *fakeBackend) ContainerCommit(_ context.Context, name string, o backend.CommitOptions) (string, error) {
	cmd := "nil"
	if o.Config != nil {
		cmd = strings.Join(o.Config.Cmd, ",")
	}
	f.record("commit %s %s:%s pause=%v changes=%v cmd=%s", name, o.Repo, o.Tag, o.Pause, o.Changes, cmd)
	return "sha256:abc", nil
}

func (f *fakeBackend) ExecCreate(_ context.Context, name string, req *container.ExecCreateRequest) (string, error) {
	f.record("exec-create %s %v", name, req.Cmd)
	if name == "idle" {
		return "", errdefs.ErrConflict.WithMessage("container idle is not running")
	}
	if !req.AttachStdin {
		return "e2", nil
	}
	return "e1", nil
}

func (f *fakeBackend) ExecStart(_ context.Context, id string, o backend.ExecStartOptions) error {
	f.record("exec-start %s detach=%v tty=%v", id, o.Detach, o.Tty)
	if id != "e1" && id != "e2" {
		return errdefs.ErrNotFound.WithMessage("No such exec instance: " + id)
	}
	if o.Detach {
		return nil
	}
	return f.stream(o.GetStreams, o.Tty, id == "e1")
}

func (f *fakeBackend) ExecResize(_ context.Context, id string, h, w uint) error {
	f.record("exec-resize %s %dx%d", id, h, w)
	return nil
}

func (f *fakeBackend) ExecInspect(_ context.Context, id string) (*container.ExecInspectResponse, error) {
	code := 3
	return &container.ExecInspectResponse{ID: id, ExitCode: &code}, nil
}
