// Package builder runs Dockerfiles the way Docker's classic builder does:
// each instruction makes an image on top of the previous one, and a step
// whose parent, instruction and inputs were seen before reuses the image it
// made then. The builder owns no storage: it drives the small interfaces
// below, which the daemon implements with its stores and containers.
package builder

import (
	"context"
	"io"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

// Image is a stored image: its ID (the digest of its config blob) and its
// config. The zero Image is scratch: no ID, no layers.
type Image struct {
	ID     string
	Config dockerspec.DockerOCIImage
}

// ImageSource finds base images.
type ImageSource interface {
	// Image returns the locally stored image name (a reference or an ID);
	// its error carries errdefs.ErrNotFound when there is none.
	Image(ctx context.Context, name string) (Image, error)
	// Pull fetches name from its registry, writing progress lines to out.
	Pull(ctx context.Context, name string, out io.Writer) (Image, error)
}

// CommitRequest describes one new image made on top of Parent.
type CommitRequest struct {
	Parent Image
	// Layer, when not nil, is an uncompressed layer tar added on top of
	// Parent's layers. An empty tar adds no layer, only history.
	Layer io.Reader
	// Config is the new image's runtime config.
	Config dockerspec.DockerOCIImageConfig
	// CreatedBy is the history line `docker history` shows.
	CreatedBy string
}

// LayerStore stores images and lets the builder read their files.
type LayerStore interface {
	// Commit stores the image described by req and returns it.
	Commit(ctx context.Context, req CommitRequest) (Image, error)
	// View makes the image's root filesystem readable at dir until release
	// is called. Nothing may be written there.
	View(ctx context.Context, img Image) (dir string, release func(), err error)
	// Tag points each name at the image.
	Tag(ctx context.Context, id string, names []string) error
}

// RunRequest is one RUN step: a command run in a container made from
// Image.
type RunRequest struct {
	Image   Image
	Cmd     []string
	Env     []string // the complete environment, image's and build args
	User    string
	WorkDir string
	Network string // "" for the default network
	Output  io.Writer
	// Stderr receives the command's standard error; nil sends it to Output.
	Stderr io.Writer
	// Started is called with the container's ID once it exists.
	Started func(id string)
	// Keep leaves the container in place when the command succeeds;
	// KeepFailed when it fails.
	Keep, KeepFailed bool
	// ExtraHosts are added to the container's /etc/hosts ("name:ip").
	ExtraHosts []string
}

// Runner runs RUN steps.
type Runner interface {
	// Run runs req to completion. When the command exits 0 it returns the
	// container's filesystem changes as a layer tar; closing it removes the
	// container unless req.Keep. Otherwise the container is already removed
	// (unless req.KeepFailed) and the error is an *ExitError.
	Run(ctx context.Context, req RunRequest) (io.ReadCloser, error)
}

// Cache remembers which image each step made. Keys are digests the builder
// computes from content it saw itself (never from fields of an image
// config, which an imported image could forge).
type Cache interface {
	CacheGet(key string) (id string, ok bool)
	CachePut(key, id string) error
}

// Backend is everything a build needs from the engine.
type Backend interface {
	ImageSource
	LayerStore
	Runner
	Cache
}

// ExitError reports a RUN command that failed.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return "exit code " + itoa(e.Code) }

// Options are a build's parameters, as POST /build carries them.
type Options struct {
	Context    io.Reader // tar, plain or compressed
	Dockerfile string    // path inside the context; "Dockerfile" when empty
	Tags       []string
	BuildArgs  map[string]*string
	Labels     map[string]string
	NoCache    bool
	Pull       bool
	Target     string
	Network    string
	Quiet      bool
	// KeepContainers keeps the containers of successful RUN steps (rm=0);
	// ForceRemove removes a failed step's container too (forcerm=1).
	// Without either, as in Docker, only a failed step's container stays.
	KeepContainers bool
	ForceRemove    bool
	// ExtraHosts ("name:ip") are added to every RUN container's /etc/hosts.
	ExtraHosts []string
	// TempDir is where the context is unpacked; the daemon's data root
	// keeps it on the same disk as the layers.
	TempDir string
	// Output receives the build's progress text, a line or more at a time.
	Output io.Writer
	// Aux receives the built image's ID before the final messages.
	Aux func(id string)
}
