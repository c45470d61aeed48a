package images

import (
	bolt "go.etcd.io/bbolt"
)

// bucketBuildCache maps a build step's cache key (a digest the builder
// computed from the parent image's ID, the instruction and the content of
// its inputs) to the image the step made. Only the builder writes it, so
// an imported or pulled image cannot enter it by claiming a parent.
var bucketBuildCache = []byte("buildcache")

// CacheGet implements builder.Cache.
func (b buildBackend) CacheGet(key string) (string, bool) {
	var id string
	_ = b.s.db.View(func(tx *bolt.Tx) error {
		if bk := tx.Bucket(bucketBuildCache); bk != nil {
			id = string(bk.Get([]byte(key)))
		}
		return nil
	})
	return id, id != ""
}

// CachePut implements builder.Cache.
func (b buildBackend) CachePut(key, id string) error {
	return b.s.db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists(bucketBuildCache)
		if err != nil {
			return err
		}
		return bk.Put([]byte(key), []byte(id))
	})
}

func (s *Service) clearBuildCache() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketBuildCache) == nil {
			return nil
		}
		return tx.DeleteBucket(bucketBuildCache)
	})
}
