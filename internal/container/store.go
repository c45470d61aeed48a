package container

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/containerd/errdefs"
	bolt "go.etcd.io/bbolt"
)

var bucketContainers = []byte("containers")

// Store persists containers in bbolt and indexes them by ID and name in
// memory. Every change is one transaction, so what kill -9 leaves behind is
// the last committed state of each container.
type Store struct {
	db *bolt.DB

	mu    sync.RWMutex
	byID  map[string]*Container
	names map[string]string // name → ID

	opMu sync.Mutex
	ops  map[string]*sync.Mutex
}

// NewStore loads every container from db.
func NewStore(db *bolt.DB) (*Store, error) {
	s := &Store{db: db, byID: map[string]*Container{}, names: map[string]string{}, ops: map[string]*sync.Mutex{}}
	err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketContainers)
		if err != nil {
			return err
		}
		return b.ForEach(func(k, v []byte) error {
			var c Container
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("container %s: corrupt record: %w", k, err)
			}
			s.byID[c.ID] = &c
			s.names[c.Name] = c.ID
			return nil
		})
	})
	return s, err
}

// Lock serialises life-cycle operations on one container (start, stop,
// remove...) and returns the unlock function.
func (s *Store) Lock(id string) func() {
	s.opMu.Lock()
	m, ok := s.ops[id]
	if !ok {
		m = &sync.Mutex{}
		s.ops[id] = m
	}
	s.opMu.Unlock()
	m.Lock()
	return m.Unlock
}

// Add stores a new container, refusing a name already in use. A container
// without a name gets a generated one, picked while holding the lock that
// also writes the record, so parallel creates never race for a name: a
// taken one is simply drawn again, as Docker does.
func (s *Store) Add(c *Container) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.Name == "" {
		c.Name = GenerateName(func(name string) bool { _, ok := s.names[name]; return ok })
	}
	if other, ok := s.names[c.Name]; ok {
		return nameConflict(c.Name, other)
	}
	if err := s.put(c); err != nil {
		return err
	}
	s.byID[c.ID] = c.Copy()
	s.names[c.Name] = c.ID
	return nil
}

func nameConflict(name, owner string) error {
	return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.", name, owner))
}

func (s *Store) put(c *Container) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketContainers).Put([]byte(c.ID), data)
	})
}

// Get finds a container by full ID, name (with or without the leading
// slash) or unique ID prefix, and returns a copy.
func (s *Store) Get(ref string) (*Container, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.find(ref)
	if err != nil {
		return nil, err
	}
	return c.Copy(), nil
}

func (s *Store) find(ref string) (*Container, error) {
	if c, ok := s.byID[ref]; ok {
		return c, nil
	}
	if id, ok := s.names[strings.TrimPrefix(ref, "/")]; ok {
		return s.byID[id], nil
	}
	var found *Container
	if ref != "" {
		for id, c := range s.byID {
			if strings.HasPrefix(id, ref) {
				if found != nil {
					return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("multiple IDs found with provided prefix: %s", ref))
				}
				found = c
			}
		}
	}
	if found == nil {
		return nil, NotFound(ref)
	}
	return found, nil
}

// NotFound is Docker's error for an unknown container.
func NotFound(ref string) error {
	return errdefs.ErrNotFound.WithMessage("No such container: " + ref)
}

// Update applies fn to a copy of the container and commits the result; if
// fn fails, nothing changes.
func (s *Store) Update(id string, fn func(c *Container) error) (*Container, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.byID[id]
	if !ok {
		return nil, NotFound(id)
	}
	next := cur.Copy()
	if err := fn(next); err != nil {
		return nil, err
	}
	if next.Name != cur.Name {
		if other, taken := s.names[next.Name]; taken && other != id {
			return nil, nameConflict(next.Name, other)
		}
	}
	if err := s.put(next); err != nil {
		return nil, err
	}
	delete(s.names, cur.Name)
	s.names[next.Name] = id
	s.byID[id] = next
	return next.Copy(), nil
}

// Delete forgets a container.
func (s *Store) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.byID[id]
	if !ok {
		return NotFound(id)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketContainers).Delete([]byte(id))
	}); err != nil {
		return err
	}
	delete(s.byID, id)
	delete(s.names, c.Name)
	s.opMu.Lock()
	delete(s.ops, id)
	s.opMu.Unlock()
	return nil
}

// List returns copies of all containers, newest first.
func (s *Store) List() []*Container {
	s.mu.RLock()
	out := make([]*Container, 0, len(s.byID))
	for _, c := range s.byID {
		out = append(out, c.Copy())
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out
}

// NameInUse reports whether a name is taken.
func (s *Store) NameInUse(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.names[name]
	return ok
}
