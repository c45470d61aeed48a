package container

import (
	"context"
	"io"
	"time"

	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/container"
)

// StopOptions are the query parameters of stop and restart.
type StopOptions struct {
	Signal  string // empty: the container's stop signal
	Timeout *int   // nil: the container's stop timeout (default 10s); -1 waits forever
}

// RemoveOptions are the query parameters of DELETE /containers/{name}.
type RemoveOptions struct {
	Force         bool // kill a running container first
	RemoveVolumes bool // remove its anonymous volumes
	RemoveLink    bool
}

// ListOptions are the query parameters of GET /containers/json.
type ListOptions struct {
	All     bool
	Limit   int // 0: no limit; -n N and -l (N=1) imply All
	Size    bool
	Filters filters.Args
}

// Streams is how a backend gets the client's streams for attach and exec.
// The router calls it lazily so errors found before any byte is streamed
// (no such container, not running) still go out as ordinary HTTP errors.
// When multiplexed is true (no TTY), what the backend writes to stdout and
// stderr is framed with Docker's 8-byte stream header by the router.
type Streams func(multiplexed bool) (stdin io.ReadCloser, stdout, stderr io.Writer, err error)

// AttachOptions are the query parameters of POST /containers/{name}/attach.
type AttachOptions struct {
	Stdin, Stdout, Stderr bool
	Stream, Logs          bool
	DetachKeys            string // e.g. "ctrl-p,ctrl-q"; empty means the default
	GetStreams            Streams
}

// LogsOptions are the query parameters of GET /containers/{name}/logs.
type LogsOptions struct {
	Stdout, Stderr, Follow, Timestamps, Details bool
	Since, Until                                string // as given: unix seconds, RFC 3339 or a duration
	Tail                                        string // "all" or a number
}

// LogMessage is one line (or partial line) from a container's log.
type LogMessage struct {
	Stream string // "stdout" or "stderr"
	Line   []byte // with its trailing newline, if it had one
	Time   time.Time
}

// CommitOptions are the query parameters and body of POST /commit.
type CommitOptions struct {
	Repo, Tag, Comment, Author string
	Changes                    []string
	Pause                      bool
	Config                     *container.Config // merged over the container's config
}

// ExecStartOptions are the body of POST /exec/{id}/start.
type ExecStartOptions struct {
	Detach, Tty bool
	ConsoleSize *[2]uint
	GetStreams  Streams
}

// ArchiveOptions are the query parameters of PUT /containers/{name}/archive.
type ArchiveOptions struct {
	Path                 string
	NoOverwriteDirNonDir bool
	CopyUIDGID           bool
}

// Backend is what the container router needs from the daemon. Errors carry
// errdefs classes; "No such container: x" is a NotFound, a stopped container
// asked to stop is NotModified (304).
type Backend interface {
	ContainerCreate(ctx context.Context, name string, req *container.CreateRequest, platform string) (container.CreateResponse, error)
	ContainerStart(ctx context.Context, name string) error
	ContainerStop(ctx context.Context, name string, opts StopOptions) error
	ContainerRestart(ctx context.Context, name string, opts StopOptions) error
	ContainerKill(ctx context.Context, name, signal string) error
	ContainerPause(ctx context.Context, name string) error
	ContainerUnpause(ctx context.Context, name string) error
	ContainerRename(ctx context.Context, name, newName string) error
	ContainerRemove(ctx context.Context, name string, opts RemoveOptions) error
	// ContainerWait returns once the wait is registered (so a following
	// start cannot be missed); the channel yields one response.
	ContainerWait(ctx context.Context, name string, condition container.WaitCondition) (<-chan container.WaitResponse, error)
	Containers(ctx context.Context, opts ListOptions) ([]container.Summary, error)
	ContainerInspect(ctx context.Context, name string, size bool) (*container.InspectResponse, error)
	ContainersPrune(ctx context.Context, f filters.Args) (*container.PruneReport, error)
	ContainerUpdate(ctx context.Context, name string, cfg *container.UpdateConfig) (container.UpdateResponse, error)

	// ContainerAttach blocks until the streams end or the client detaches.
	ContainerAttach(ctx context.Context, name string, opts AttachOptions) error
	ContainerResize(ctx context.Context, name string, height, width uint) error
	// ContainerLogs returns the log lines; the channel is closed at the end
	// (or, with Follow, when the container stops or ctx ends). tty says
	// whether the container has a TTY, in which case no framing is used.
	ContainerLogs(ctx context.Context, name string, opts LogsOptions) (msgs <-chan LogMessage, tty bool, err error)

	ContainerTop(ctx context.Context, name, psArgs string) (*container.TopResponse, error)
	// ContainerStats sends one sample (stream false) or one a second until
	// ctx ends; the channel is closed when the container stops.
	ContainerStats(ctx context.Context, name string, stream bool) (<-chan container.StatsResponse, error)
	ContainerChanges(ctx context.Context, name string) ([]container.FilesystemChange, error)
	ContainerExport(ctx context.Context, name string, w io.Writer) error
	ContainerStatPath(ctx context.Context, name, path string) (*container.PathStat, error)
	ContainerArchivePath(ctx context.Context, name, path string) (io.ReadCloser, *container.PathStat, error)
	ContainerExtractToDir(ctx context.Context, name string, opts ArchiveOptions, content io.Reader) error
	ContainerCommit(ctx context.Context, name string, opts CommitOptions) (string, error)

	ExecCreate(ctx context.Context, name string, req *container.ExecCreateRequest) (string, error)
	// ExecStart runs the exec; without Detach it blocks until the process
	// ends and its output is delivered.
	ExecStart(ctx context.Context, execID string, opts ExecStartOptions) error
	ExecResize(ctx context.Context, execID string, height, width uint) error
	ExecInspect(ctx context.Context, execID string) (*container.ExecInspectResponse, error)
}
