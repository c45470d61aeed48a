// Package volumes is the volume service: the volume routes' backend over
// the volume store, and the mounts of containers (volumes, binds, tmpfs)
// from create to removal: resolved into the container's record at create,
// mounted and copied up at start, released at stop, given up at removal.
package volumes

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/events"
	"github.com/berth/berth/internal/volume"
)

// Containers is what the service asks about containers: --volumes-from
// reads another container's mounts, and start-up forgets users that are no
// containers.
type Containers interface {
	Get(ref string) (*container.Container, error)
	List() []*container.Container
}

// Service serves volumes; the store's own methods are its too.
type Service struct {
	*volume.Store
	events     *events.Bus
	containers Containers
}

// Open opens the volume store under <data-root>/volumes, forgets users
// that are no containers (a crash between a container's volumes and its
// record, or a removal interrupted after the record went) and takes back
// the mounts of containers that kept running while no daemon ran, so that
// their exit releases them.
func Open(dataRoot string, bus *events.Bus, containers Containers) (*Service, error) {
	root := filepath.Join(dataRoot, "volumes")
	local, err := volume.NewLocal(root)
	if err != nil {
		return nil, err
	}
	store, err := volume.Open(root, local)
	if err != nil {
		return nil, err
	}
	s := &Service{Store: store, events: bus, containers: containers}
	if err := store.DropUsers(func(id string) bool {
		_, err := containers.Get(id)
		return err == nil
	}); err != nil {
		store.Close()
		return nil, err
	}
	s.remount()
	s.removeEmptyOrphans()
	return s, nil
}

// removeEmptyOrphans removes storage a create cut short left without its
// record, while empty; storage holding data stays for the store check to
// report.
func (s *Service) removeEmptyOrphans() {
	leaks, err := s.Leaks()
	if err != nil {
		slog.Warn("looking for volume leftovers", "error", err)
		return
	}
	for _, k := range leaks {
		if k.Orphan && s.Repair(context.Background(), k) == nil {
			slog.Info("removed the storage of a volume create cut short", "volume", k.Name)
		}
	}
}

func (s *Service) remount() {
	for _, c := range s.containers.List() {
		if !c.State.IsRunning() {
			continue
		}
		for _, mp := range c.Mounts {
			if mp.Name != "" {
				s.Mount(context.Background(), mp.Name, c.ID)
			}
		}
	}
}
