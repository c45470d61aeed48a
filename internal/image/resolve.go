package image

import (
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
	bolt "go.etcd.io/bbolt"
)

// NotFoundError says no image answers to a name, in Docker's words.
func NotFoundError(name string) error {
	return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("No such image: %s", name)) // Docker's words: clients parse them
}

// ParseReference parses a user-given image name as Docker does: normalized
// (busybox → docker.io/library/busybox) and invalid input reported as
// "invalid reference format" with class invalid argument.
func ParseReference(name string) (reference.Named, error) {
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	return ref, nil
}

// Resolve finds the image that name designates: a full ID ("sha256:<hex>"
// or "<hex>"), a name with tag or digest (a bare name means ":latest"), or a
// unique prefix of an ID. It returns the record and, when name was a
// reference, that normalized reference.
func (s *Store) Resolve(name string) (Record, reference.Named, error) {
	parsed, err := reference.ParseAnyReference(name)
	if err != nil {
		return Record{}, nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	named, isNamed := parsed.(reference.Named)
	if !isNamed {
		// A bare digest is an image ID.
		d, ok := parsed.(reference.Digested)
		if !ok {
			return Record{}, nil, NotFoundError(name)
		}
		rec, err := s.Get(d.Digest())
		if errdefs.IsNotFound(err) {
			return Record{}, nil, NotFoundError(name)
		}
		return rec, nil, err
	}
	named = reference.TagNameOnly(named)
	if id, err := s.Lookup(named); err == nil {
		rec, err := s.Get(id)
		return rec, named, err
	}
	if rec, err := s.searchPrefix(name); err == nil || !errdefs.IsNotFound(err) {
		return rec, nil, err
	}
	return Record{}, nil, NotFoundError(reference.FamiliarString(named))
}

// searchPrefix finds the one image whose ID starts with prefix.
func (s *Store) searchPrefix(prefix string) (Record, error) {
	prefix = strings.TrimPrefix(prefix, "sha256:")
	if prefix == "" || strings.Trim(prefix, "0123456789abcdef") != "" {
		return Record{}, errdefs.ErrNotFound
	}
	var found []Record
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketImages).Cursor()
		seek := []byte(string(digest.SHA256) + ":" + prefix)
		for k, _ := c.Seek(seek); k != nil && strings.HasPrefix(string(k), string(seek)); k, _ = c.Next() {
			rec, err := getRecord(tx, digest.Digest(k))
			if err != nil {
				return err
			}
			found = append(found, rec)
		}
		return nil
	})
	switch {
	case err != nil:
		return Record{}, err
	case len(found) == 0:
		return Record{}, errdefs.ErrNotFound
	case len(found) > 1:
		return Record{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%v: %s", ErrAmbiguous, prefix))
	}
	return found[0], nil
}
