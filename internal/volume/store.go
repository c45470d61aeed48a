package volume

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	bolt "go.etcd.io/bbolt"
)

var bucketVolumes = []byte("volumes")

// Store is the set of volumes: records in <root>/metadata.db, data in
// the drivers. Every change of a record is one bbolt transaction, so a
// volume and its users survive a crash of the daemon as last committed.
type Store struct {
	db      *bolt.DB
	drivers map[string]Driver
	// mu orders record changes with driver calls, so a volume being
	// removed cannot gain a user half-way.
	mu sync.Mutex
}

// Open opens (or makes) the store under root with the given drivers.
func Open(root string, drivers ...Driver) (*Store, error) {
	db, err := bolt.Open(filepath.Join(root, "metadata.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("opening volume metadata: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketVolumes)
		return err
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, drivers: map[string]Driver{}}
	for _, d := range drivers {
		s.drivers[d.Name()] = d
	}
	return s, nil
}

// Close closes the metadata file.
func (s *Store) Close() error { return s.db.Close() }

// Driver returns the driver called name; "" is the local driver.
func (s *Store) Driver(name string) (Driver, error) {
	if name == "" {
		name = LocalDriverName
	}
	d, ok := s.drivers[name]
	if !ok {
		return nil, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("error looking up volume plugin %s: plugin %q not found", name, name))
	}
	return d, nil
}

// AnonymousLabel marks a volume created without a name, as Docker's do.
const AnonymousLabel = "com.docker.volume.anonymous"

// CreateOptions describe a volume to create.
type CreateOptions struct {
	Name      string // "" generates one
	Driver    string // "" is local
	Options   map[string]string
	Labels    map[string]string
	Anonymous bool
}

// Create makes a volume, or returns the existing one of that name (as
// Docker does, so `volume create x` twice is not an error). created says
// which.
func (s *Store) Create(ctx context.Context, o CreateOptions) (v *Volume, created bool, err error) {
	if o.Name == "" {
		// A volume nobody named is anonymous, however it was asked for
		// (the API, -v /path, an image's VOLUME), as in Docker.
		o.Name, o.Anonymous = GenerateName(), true
	}
	if o.Anonymous {
		// Docker marks anonymous volumes with a label clients filter on.
		labels := map[string]string{AnonymousLabel: ""}
		for k, v := range o.Labels {
			labels[k] = v
		}
		o.Labels = labels
	}
	if err := CheckName(o.Name); err != nil {
		return nil, false, err
	}
	drv, err := s.Driver(o.Driver)
	if err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, err := s.get(o.Name); err == nil {
		if v.Driver != drv.Name() {
			return nil, false, errdefs.ErrConflict.WithMessage(fmt.Sprintf("create %s: volume name already in use with driver %s", o.Name, v.Driver))
		}
		return v, false, nil
	}
	if err := drv.ValidateOptions(ctx, o.Options); err != nil {
		return nil, false, fmt.Errorf("create %s: %w", o.Name, err)
	}
	// Storage first, record second: a crash in between leaves a directory
	// nobody lists, never a record without storage.
	if err := drv.Create(ctx, o.Name, o.Options); err != nil {
		return nil, false, err
	}
	v = &Volume{
		Name: o.Name, Driver: drv.Name(), Labels: o.Labels, Options: o.Options,
		CreatedAt: time.Now().UTC().Truncate(time.Second), Anonymous: o.Anonymous,
	}
	if err := s.put(v); err != nil {
		return nil, false, err
	}
	return v, true, nil
}

// Get returns the volume called name.
func (s *Store) Get(name string) (*Volume, error) { return s.get(name) }

func (s *Store) get(name string) (*Volume, error) {
	var v *Volume
	err := s.db.View(func(tx *bolt.Tx) error {
		data := tx.Bucket(bucketVolumes).Get([]byte(name))
		if data == nil {
			return notFound(name)
		}
		v = &Volume{}
		return json.Unmarshal(data, v)
	})
	return v, err
}

func (s *Store) put(v *Volume) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketVolumes).Put([]byte(v.Name), data)
	})
}

// List returns every volume, by name.
func (s *Store) List() ([]*Volume, error) {
	var out []*Volume
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketVolumes).ForEach(func(_, data []byte) error {
			v := &Volume{}
			if err := json.Unmarshal(data, v); err != nil {
				return err
			}
			out = append(out, v)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// Remove deletes a volume and its data. A volume some container uses is
// refused, naming the containers, as Docker does.
func (s *Store) Remove(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.get(name)
	if err != nil {
		return err
	}
	if len(v.Users) > 0 {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("remove %s: volume is in use - [%s]", name, strings.Join(v.Users, ", ")))
	}
	drv, err := s.Driver(v.Driver)
	if err != nil {
		return err
	}
	if err := drv.Remove(ctx, name); err != nil && !errdefs.IsNotFound(err) {
		return fmt.Errorf("remove %s: %w", name, err)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketVolumes).Delete([]byte(name))
	})
}

// AddUser records that container id uses the volume.
func (s *Store) AddUser(name, id string) error {
	return s.update(name, func(v *Volume) {
		if !slices.Contains(v.Users, id) {
			v.Users = append(v.Users, id)
		}
	})
}

// RemoveUser records that container id no longer uses the volume; an
// unknown volume or user is not an error.
func (s *Store) RemoveUser(name, id string) error {
	err := s.update(name, func(v *Volume) {
		v.Users = slices.DeleteFunc(v.Users, func(u string) bool { return u == id })
	})
	if errdefs.IsNotFound(err) {
		return nil
	}
	return err
}

// DropUsers forgets every user for which exists says false: containers a
// crash removed between their volumes and their record.
func (s *Store) DropUsers(exists func(id string) bool) error {
	vols, err := s.List()
	if err != nil {
		return err
	}
	for _, v := range vols {
		for _, u := range v.Users {
			if !exists(u) {
				if err := s.RemoveUser(v.Name, u); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (s *Store) update(name string, f func(*Volume)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketVolumes)
		data := b.Get([]byte(name))
		if data == nil {
			return notFound(name)
		}
		v := &Volume{}
		if err := json.Unmarshal(data, v); err != nil {
			return err
		}
		f(v)
		out, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return b.Put([]byte(name), out)
	})
}

// Mount makes the volume's data available for ref and returns its host
// path.
func (s *Store) Mount(ctx context.Context, name, ref string) (string, error) {
	v, err := s.get(name)
	if err != nil {
		return "", err
	}
	drv, err := s.Driver(v.Driver)
	if err != nil {
		return "", err
	}
	return drv.Mount(ctx, name, v.Options, ref)
}

// Unmount drops ref's use of the volume's data.
func (s *Store) Unmount(ctx context.Context, name, ref string) error {
	v, err := s.get(name)
	if err != nil {
		if errdefs.IsNotFound(err) {
			return nil
		}
		return err
	}
	drv, err := s.Driver(v.Driver)
	if err != nil {
		return err
	}
	return drv.Unmount(ctx, name, ref)
}

// Path is the host path of the volume's data (its Mountpoint).
func (s *Store) Path(v *Volume) string {
	drv, err := s.Driver(v.Driver)
	if err != nil {
		return ""
	}
	return drv.Path(v.Name)
}
