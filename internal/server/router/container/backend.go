package container

import (
	"context"
	"io"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/container"
)

// The container router's backend is split by concern, so that each route
// depends on the smallest piece it needs and a service can provide one
// piece without the rest. Errors carry errdefs classes; "No such container:
// x" is a NotFound, a stopped container asked to stop is NotModified (304).

// LifecycleBackend creates containers and moves them through their states.
type LifecycleBackend interface {
	ContainerCreate(ctx context.Context, name string, req *container.CreateRequest, platform string) (container.CreateResponse, error)
	ContainerStart(ctx context.Context, name string) error
	ContainerStop(ctx context.Context, name string, opts backend.StopOptions) error
	ContainerRestart(ctx context.Context, name string, opts backend.StopOptions) error
	ContainerKill(ctx context.Context, name, signal string) error
	ContainerPause(ctx context.Context, name string) error
	ContainerUnpause(ctx context.Context, name string) error
	ContainerRename(ctx context.Context, name, newName string) error
	ContainerRemove(ctx context.Context, name string, opts backend.RemoveOptions) error
	// ContainerWait returns once the wait is registered (so a following
	// start cannot be missed); the channel yields one response.
	ContainerWait(ctx context.Context, name string, condition container.WaitCondition) (<-chan container.WaitResponse, error)
	ContainerUpdate(ctx context.Context, name string, cfg *container.UpdateConfig) (container.UpdateResponse, error)
	ContainersPrune(ctx context.Context, f filters.Args) (*container.PruneReport, error)
}

// QueryBackend answers questions about containers without changing them.
type QueryBackend interface {
	Containers(ctx context.Context, opts backend.ContainerListOptions) ([]container.Summary, error)
	ContainerInspect(ctx context.Context, name string, size bool) (*container.InspectResponse, error)
	ContainerTop(ctx context.Context, name, psArgs string) (*container.TopResponse, error)
	// ContainerStats sends one sample (stream false) or one a second until
	// ctx ends; the channel is closed when the container stops.
	ContainerStats(ctx context.Context, name string, stream bool) (<-chan container.StatsResponse, error)
}

// StreamBackend connects clients to a container's standard streams.
type StreamBackend interface {
	// ContainerAttach blocks until the streams end or the client detaches.
	ContainerAttach(ctx context.Context, name string, opts backend.AttachOptions) error
	ContainerResize(ctx context.Context, name string, height, width uint) error
	// ContainerLogs returns the log lines; the channel is closed at the end
	// (or, with Follow, when the container stops or ctx ends). tty says
	// whether the container has a TTY, in which case no framing is used.
	ContainerLogs(ctx context.Context, name string, opts backend.LogsOptions) (msgs <-chan backend.LogMessage, tty bool, err error)
}

// ExecBackend runs extra processes in running containers.
type ExecBackend interface {
	ExecCreate(ctx context.Context, name string, req *container.ExecCreateRequest) (string, error)
	// ExecStart runs the exec; without Detach it blocks until the process
	// ends and its output is delivered.
	ExecStart(ctx context.Context, execID string, opts backend.ExecStartOptions) error
	ExecResize(ctx context.Context, execID string, height, width uint) error
	ExecInspect(ctx context.Context, execID string) (*container.ExecInspectResponse, error)
}

// FilesystemBackend reads and writes a container's files.
type FilesystemBackend interface {
	ContainerChanges(ctx context.Context, name string) ([]container.FilesystemChange, error)
	ContainerExport(ctx context.Context, name string, w io.Writer) error
	ContainerStatPath(ctx context.Context, name, path string) (*container.PathStat, error)
	ContainerArchivePath(ctx context.Context, name, path string) (io.ReadCloser, *container.PathStat, error)
	ContainerExtractToDir(ctx context.Context, name string, opts backend.ArchiveOptions, content io.Reader) error
	ContainerCommit(ctx context.Context, name string, opts backend.CommitOptions) (string, error)
}

// Backend is every piece the whole router serves.
type Backend interface {
	LifecycleBackend
	QueryBackend
	StreamBackend
	ExecBackend
	FilesystemBackend
}
