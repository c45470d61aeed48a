package backend

import (
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

// ContainerListOptions are the query parameters of GET /containers/json.
type ContainerListOptions struct {
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

// FramedWriter is implemented by the stdout and stderr writers a Streams
// call returns when multiplexed: Raw is the connection beneath the framing,
// for output that arrives framed already (the shim frames a container's live
// output, and nothing frames it again).
type FramedWriter interface {
	Raw() io.Writer
}
