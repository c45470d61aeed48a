package images

import (
	"context"
	"io"
	"sync"

	"github.com/berth/berth/internal/content"
	"github.com/berth/berth/internal/events"
	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/layer"
	"github.com/berth/berth/internal/registry"
	"github.com/berth/berth/internal/snapshot"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/opencontainers/go-digest"
	bolt "go.etcd.io/bbolt"
)

// StorageDriver names how layers are stored, for /info and inspect.
const StorageDriver = "overlayfs"

// Config is what a Service works on.
type Config struct {
	Content   *content.Store
	Snapshots snapshot.Snapshotter
	Images    *image.Store
	Events    *events.Bus
	// DB is the metadata database; the build cache keeps a bucket in it.
	DB *bolt.DB
	// BuildDir holds the builder's scratch files (<data-root>/builder).
	BuildDir string
	// Registry configures the registry client, made on first use.
	Registry registry.Config
	Users    Users
	Steps    StepContainers
	Runner   Runner
}

// Users tells which containers were made from an image: rmi refuses to
// delete an image they use, prune leaves it alone.
type Users interface {
	// ImageUsers returns the IDs of the containers made from image id,
	// the running ones and the others apart.
	ImageUsers(ctx context.Context, id digest.Digest) (running, stopped []string, err error)
}

// StepContainers makes and removes the containers a build's RUN steps run
// in. They are ordinary containers, made by the same path as any other.
type StepContainers interface {
	// Create creates a container (without starting it) and returns its ID.
	Create(ctx context.Context, cfg *apicontainer.Config, hc *apicontainer.HostConfig) (string, error)
	// Upper describes the container's writable layer over its image.
	Upper(ctx context.Context, id string) (layer.Upper, error)
	// Remove removes the container, killing it if it still runs.
	Remove(ctx context.Context, id string) error
}

// Runner runs a created container to its exit with its output attached
// and returns its exit code; the supervisor is one.
type Runner interface {
	RunToExit(ctx context.Context, id string, stdout, stderr io.Writer) (int, error)
}

// Service implements the image backends of the API on the stores of
// its Config.
type Service struct {
	content   *content.Store
	snapshots snapshot.Snapshotter
	images    *image.Store
	events    *events.Bus
	db        *bolt.DB
	buildDir  string
	users     Users
	steps     StepContainers
	runner    Runner

	// gcMu keeps garbage collection away from half-made images: whatever
	// writes blobs or layer trees that no image references yet holds it for
	// reading until the image record is committed; collection holds it for
	// writing.
	gcMu sync.RWMutex
	// building is held for reading by every build while its scratch
	// files under builder/tmp live; the store check takes it for writing
	// to tell a leftover from a build's own.
	building sync.RWMutex

	// registry is made on first use from registryConfig (registry_auth.go).
	registry       registryClient
	registryConfig registry.Config
}

// New returns the image service over cfg's stores.
func New(cfg Config) *Service {
	return &Service{
		content:        cfg.Content,
		snapshots:      cfg.Snapshots,
		images:         cfg.Images,
		events:         cfg.Events,
		db:             cfg.DB,
		buildDir:       cfg.BuildDir,
		users:          cfg.Users,
		steps:          cfg.Steps,
		runner:         cfg.Runner,
		registryConfig: cfg.Registry,
	}
}
