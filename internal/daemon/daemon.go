// Package daemon is berthd's composition root: it opens the stores under the
// data root, wires the services together and implements the backends the API
// routers declare by coordinating those services. It holds no storage or
// format logic of its own.
package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/config"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/content"
	"github.com/berth/berth/internal/events"
	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/images"
	"github.com/berth/berth/internal/networks"
	"github.com/berth/berth/internal/runtime"
	"github.com/berth/berth/internal/snapshot"
	"github.com/berth/berth/internal/supervisor"
	"github.com/berth/berth/internal/volumes"
	bolt "go.etcd.io/bbolt"
)

// Version, GitCommit and BuildTime describe this build; the Makefile sets
// them with -ldflags -X.
var (
	Version   = "0.1.0-dev"
	GitCommit = ""
	BuildTime = ""
)

// Daemon is the running engine.
type Daemon struct {
	cfg        *config.Config
	lock       *os.File
	db         *bolt.DB
	content    *content.Store
	snapshots  snapshot.Snapshotter
	images     *image.Store
	containers *container.Store
	events     *events.Bus

	runtimes       map[string]runtime.Runtime
	defaultRuntime string
	shimPath       string
	initPath       string

	// sup runs the containers: life cycle, monitors, exec, attach, wait.
	sup *supervisor.Supervisor
	// Service serves the image, build and registry backends (images.go).
	*images.Service

	started time.Time
	id      string // engine ID, reported by /info

	// volumes serves volumes and the containers' mounts.
	volumes *volumes.Service

	// networks owns networks, endpoints and Berth's nftables table.
	networks *networks.Service
}

// New opens the data root described by cfg, refusing if another berthd
// uses it, and removes whatever an interrupted previous run left behind.
func New(ctx context.Context, cfg *config.Config) (*Daemon, error) {
	if err := os.MkdirAll(cfg.DataRoot, 0o711); err != nil {
		return nil, err
	}
	lock, err := lockDataRoot(cfg.DataRoot)
	if err != nil {
		return nil, err
	}
	d := &Daemon{cfg: cfg, lock: lock, events: events.New(), started: time.Now()}
	if err := d.open(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Daemon) open(ctx context.Context) error {
	var err error
	if d.id, err = engineID(d.cfg.DataRoot); err != nil {
		return fmt.Errorf("engine ID: %w", err)
	}
	d.db, err = bolt.Open(filepath.Join(d.cfg.DataRoot, "metadata.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("opening metadata.db: %w", err)
	}
	if d.images, err = image.NewStore(d.db); err != nil {
		return err
	}
	if d.containers, err = container.NewStore(d.db); err != nil {
		return err
	}
	if err := d.upgradeContainerRecords(); err != nil {
		return fmt.Errorf("upgrading container records: %w", err)
	}
	if d.content, err = content.New(filepath.Join(d.cfg.DataRoot, "content")); err != nil {
		return err
	}
	if d.snapshots, err = snapshot.New(filepath.Join(d.cfg.DataRoot, "layers")); err != nil {
		return err
	}
	if err := d.setupRuntimes(ctx); err != nil {
		return err
	}
	if d.shimPath, err = findShim(d.cfg.ShimPath); err != nil {
		slog.Warn("containers cannot start", "error", err)
	}
	d.initPath = findInit(d.cfg.InitPath)
	// The image service runs build steps on the supervisor, so both are
	// made before anything is restored.
	d.sup = d.newSupervisor()
	d.Service = d.newImageService()
	// Blobs and layer trees of an image whose record never got committed
	// are reclaimed now, before anything can reference them.
	res, err := d.CollectGarbage(ctx)
	if err != nil {
		return fmt.Errorf("cleaning up after the previous run: %w", err)
	}
	if res.Blobs+len(res.Layers) > 0 {
		slog.Info("removed leftovers of an interrupted run", "blobs", res.Blobs, "layers", len(res.Layers), "bytes", res.Reclaimed)
	}
	if err := d.ClearBuildTmp(); err != nil {
		return fmt.Errorf("cleaning up after the previous run: %w", err)
	}
	if err := d.openNetworks(ctx); err != nil {
		return err
	}
	if d.volumes, err = volumes.Open(d.cfg.DataRoot, d.events, d.containers); err != nil {
		return err
	}
	d.restoreContainers(ctx)
	return nil
}

// Close releases the stores and the data-root lock. Running containers
// keep running under their shims.
func (d *Daemon) Close() error {
	if d.sup != nil {
		d.sup.Close()
	}
	d.events.Close()
	if d.networks != nil {
		d.networks.Close()
	}
	if d.volumes != nil {
		d.volumes.Close()
	}
	var err error
	if d.db != nil {
		err = d.db.Close()
	}
	if d.lock != nil {
		d.lock.Close()
	}
	return err
}

// newSupervisor wires the container supervisor to the daemon's services.
func (d *Daemon) newSupervisor() *supervisor.Supervisor {
	return supervisor.New(supervisor.Config{
		Store:       d.containers,
		Runtime:     supervisor.ShimRuntime{Binary: d.shimPath, Socket: d.shimSocket, ExitFile: d.exitFile},
		Environment: environment{d},
		Events:      d.logContainerEvent,
		Remove: func(ctx context.Context, id string) error {
			return d.ContainerRemove(ctx, id, backend.RemoveOptions{Force: true, RemoveVolumes: true})
		},
		RootfsDir: d.rootfsDir, NoNewPrivileges: d.cfg.NoNewPrivileges,
		Leftovers: leftovers{d},
	})
}

// Volumes is the volume service, which serves the volume routes itself.
func (d *Daemon) Volumes() *volumes.Service { return d.volumes }

// Networks is the network service, which serves the network routes itself.
func (d *Daemon) Networks() *networks.Service { return d.networks }
