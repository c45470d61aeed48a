// Package image keeps the image metadata: which images exist (an image ID is
// the digest of its config blob, kept in the content store), which layers
// each one has, and which names (tags and digest references) point at which
// image. Everything lives in one bbolt database so that an image and its
// names appear, move and disappear together in one transaction.
package image

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
	bolt "go.etcd.io/bbolt"
)

var (
	bucketImages = []byte("images")
	bucketRefs   = []byte("refs")
)

// Record is what the store knows of one image beyond its config blob.
type Record struct {
	ID          digest.Digest   `json:"id"`
	DiffIDs     []digest.Digest `json:"diffIds"` // bottom first, as in the config's rootfs
	Size        int64           `json:"size"`    // apparent size of all layers' files
	Created     time.Time       `json:"created"` // from the config
	Added       time.Time       `json:"added"`   // when this engine stored it
	LastTagTime time.Time       `json:"lastTagTime,omitempty"`
	Parent      digest.Digest   `json:"parent,omitempty"`
	// Manifest is the registry manifest the image was last pulled as or
	// pushed with; a push sends it again unchanged when its blobs are kept.
	Manifest digest.Digest `json:"manifest,omitempty"`
	// Blobs are kept for as long as the image, besides the config and the
	// diff tars: manifests and the compressed layers they name.
	Blobs []digest.Digest `json:"blobs,omitempty"`
}

// ChainIDs returns the chain ID of every layer, bottom first.
func (r Record) ChainIDs() []digest.Digest { return ChainIDs(r.DiffIDs) }

// TopChainID is the chain ID of the top layer, or "" for an image without layers.
func (r Record) TopChainID() digest.Digest {
	ids := r.ChainIDs()
	if len(ids) == 0 {
		return ""
	}
	return ids[len(ids)-1]
}

// ChainIDs computes OCI chain IDs from diff IDs.
func ChainIDs(diffIDs []digest.Digest) []digest.Digest {
	out := make([]digest.Digest, len(diffIDs))
	for i, d := range diffIDs {
		if i == 0 {
			out[i] = d
			continue
		}
		out[i] = digest.FromString(out[i-1].String() + " " + d.String())
	}
	return out
}

// Store is the image metadata database.
type Store struct {
	db *bolt.DB
}

// NewStore uses db, creating the buckets it needs.
func NewStore(db *bolt.DB) (*Store, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketImages, bucketRefs} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	return &Store{db: db}, err
}

// Moved says that a name was taken from one image and given to another.
type Moved struct {
	Ref  reference.Named
	From digest.Digest
}

// Put stores rec and points refs at it, in one transaction. Names that
// pointed at other images are returned so callers can report the move.
func (s *Store) Put(rec Record, refs []reference.Named) ([]Moved, error) {
	var moved []Moved
	err := s.db.Update(func(tx *bolt.Tx) error {
		if rec.Added.IsZero() {
			rec.Added = time.Now().UTC()
		}
		if old := tx.Bucket(bucketImages).Get([]byte(rec.ID)); old != nil {
			var prev Record
			if json.Unmarshal(old, &prev) == nil {
				rec.Added = prev.Added
				if rec.LastTagTime.IsZero() {
					rec.LastTagTime = prev.LastTagTime
				}
			}
		}
		if len(refs) > 0 {
			rec.LastTagTime = time.Now().UTC()
		}
		if err := putRecord(tx, rec); err != nil {
			return err
		}
		for _, ref := range refs {
			prev, err := setRef(tx, ref, rec.ID)
			if err != nil {
				return err
			}
			if prev != "" && prev != rec.ID {
				moved = append(moved, Moved{Ref: ref, From: prev})
			}
		}
		return nil
	})
	return moved, err
}

func putRecord(tx *bolt.Tx, rec Record) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketImages).Put([]byte(rec.ID), data)
}

func setRef(tx *bolt.Tx, ref reference.Named, id digest.Digest) (digest.Digest, error) {
	b := tx.Bucket(bucketRefs)
	key := []byte(ref.String())
	prev := digest.Digest(b.Get(key))
	return prev, b.Put(key, []byte(id))
}

// Get returns the record of an image by full ID.
func (s *Store) Get(id digest.Digest) (Record, error) {
	var rec Record
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		rec, err = getRecord(tx, id)
		return err
	})
	return rec, err
}

func getRecord(tx *bolt.Tx, id digest.Digest) (Record, error) {
	var rec Record
	data := tx.Bucket(bucketImages).Get([]byte(id))
	if data == nil {
		return rec, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("image %s", id))
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		return rec, fmt.Errorf("image %s: corrupt record: %w", id, err)
	}
	return rec, nil
}

// List returns every image record.
func (s *Store) List() ([]Record, error) {
	var out []Record
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketImages).ForEach(func(k, v []byte) error {
			var rec Record
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("image %s: corrupt record: %w", k, err)
			}
			out = append(out, rec)
			return nil
		})
	})
	return out, err
}

// Refs returns every name, grouped by the image it points at.
func (s *Store) Refs() (map[digest.Digest][]reference.Named, error) {
	out := map[digest.Digest][]reference.Named{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRefs).ForEach(func(k, v []byte) error {
			ref, err := reference.ParseNormalizedNamed(string(k))
			if err != nil {
				return nil // a name this build cannot parse is skipped, not fatal
			}
			out[digest.Digest(v)] = append(out[digest.Digest(v)], ref)
			return nil
		})
	})
	return out, err
}

// Lookup returns the image a name points at.
func (s *Store) Lookup(ref reference.Named) (digest.Digest, error) {
	var id digest.Digest
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketRefs).Get([]byte(ref.String())); v != nil {
			id = digest.Digest(v)
			return nil
		}
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("reference %s", ref))
	})
	return id, err
}

// Tag points ref at an existing image and returns the image it pointed at
// before, if any.
func (s *Store) Tag(ref reference.Named, id digest.Digest) (digest.Digest, error) {
	var prev digest.Digest
	err := s.db.Update(func(tx *bolt.Tx) error {
		rec, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		rec.LastTagTime = time.Now().UTC()
		if err := putRecord(tx, rec); err != nil {
			return err
		}
		prev, err = setRef(tx, ref, id)
		return err
	})
	return prev, err
}

// Untag removes a name.
func (s *Store) Untag(ref reference.Named) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRefs)
		if b.Get([]byte(ref.String())) == nil {
			return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("reference %s", ref))
		}
		return b.Delete([]byte(ref.String()))
	})
}

// Delete removes an image and every name pointing at it.
func (s *Store) Delete(id digest.Digest) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketImages).Get([]byte(id)) == nil {
			return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("image %s", id))
		}
		var doomed [][]byte
		refs := tx.Bucket(bucketRefs)
		if err := refs.ForEach(func(k, v []byte) error {
			if digest.Digest(v) == id {
				doomed = append(doomed, append([]byte(nil), k...))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range doomed {
			if err := refs.Delete(k); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketImages).Delete([]byte(id))
	})
}

// ErrAmbiguous is returned when a short ID matches several images.
var ErrAmbiguous = errors.New("multiple IDs found with provided prefix")
