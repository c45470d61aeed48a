package volume

import (
	"context"
	"os"
	"path/filepath"

	"github.com/berth/berth/internal/mount"
	"github.com/containerd/errdefs"
)

// Leak is what the store check finds wrong in the local driver's storage.
type Leak struct {
	Name string
	// Orphan: storage no record names (a create cut short between its
	// storage and its record). Otherwise a mount no ref holds.
	Orphan bool
	Path   string
}

// Leaks lists the local driver's orphaned storage and its mounts that no
// ref holds. It holds the store's lock, so a create in progress (storage
// made, record not yet) is never taken for an orphan.
func (s *Store) Leaks() ([]Leak, error) {
	l, ok := s.drivers[LocalDriverName].(*Local)
	if !ok {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := os.ReadDir(l.root)
	if err != nil {
		return nil, err
	}
	var out []Leak
	for _, e := range entries {
		if !e.IsDir() {
			continue // metadata.db
		}
		name := e.Name()
		if _, err := s.get(name); errdefs.IsNotFound(err) {
			out = append(out, Leak{Name: name, Orphan: true, Path: filepath.Join(l.root, name)})
			continue
		}
		if mounted, _ := mount.Mounted(l.Path(name)); mounted && !l.inUse(name) {
			out = append(out, Leak{Name: name, Path: l.Path(name)})
		}
	}
	return out, nil
}

// Repair removes a leak: a mount no ref holds is taken down; orphaned
// storage goes only while empty, so no data anyone wrote is lost.
func (s *Store) Repair(ctx context.Context, k Leak) error {
	l, ok := s.drivers[LocalDriverName].(*Local)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !k.Orphan {
		l.mu.Lock()
		defer l.mu.Unlock()
		if len(l.refs[k.Name]) > 0 {
			return errdefs.ErrConflict.WithMessage("the volume was mounted again meanwhile")
		}
		return mount.Unmount(l.Path(k.Name))
	}
	if _, err := s.get(k.Name); err == nil {
		return errdefs.ErrConflict.WithMessage("the volume was created meanwhile")
	}
	// os.Remove refuses a directory that is not empty.
	if err := os.Remove(l.Path(k.Name)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.Remove(k.Path)
}

func (l *Local) inUse(name string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.refs[name]) > 0
}
