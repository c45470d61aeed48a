package network

import (
	"encoding/json"
	"sort"

	"github.com/containerd/errdefs"
	bolt "go.etcd.io/bbolt"
)

var (
	bucketNetworks  = []byte("networks")
	bucketEndpoints = []byte("endpoints") // key: networkID/containerID
)

// store keeps network and endpoint records in bbolt, so addresses survive
// restarts: an address is free only when no stored endpoint holds it.
type store struct{ db *bolt.DB }

func newStore(db *bolt.DB) (*store, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketNetworks, bucketEndpoints} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	return &store{db: db}, err
}

func epKey(networkID, containerID string) []byte { return []byte(networkID + "/" + containerID) }

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func (s *store) networks() ([]*Network, error) {
	var out []*Network
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketNetworks).ForEach(func(_, v []byte) error {
			n := new(Network)
			if err := json.Unmarshal(v, n); err != nil {
				return err
			}
			out = append(out, n)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, err
}

func (s *store) endpoints(filter func(*Endpoint) bool) ([]*Endpoint, error) {
	var out []*Endpoint
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEndpoints).ForEach(func(_, v []byte) error {
			ep := new(Endpoint)
			if err := json.Unmarshal(v, ep); err != nil {
				return err
			}
			if filter == nil || filter(ep) {
				out = append(out, ep)
			}
			return nil
		})
	})
	return out, err
}

func (s *store) putNetwork(n *Network) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketNetworks), []byte(n.ID), n)
	})
}

func (s *store) deleteNetwork(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketNetworks).Delete([]byte(id)) })
}

// addEndpoint stores ep, choosing its address in the same transaction as
// it checks the others, so no address is ever handed out twice.
func (s *store) addEndpoint(n *Network, ep *Endpoint) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEndpoints)
		if b.Get(epKey(n.ID, ep.ContainerID)) != nil {
			return errf(errdefs.ErrConflict, "endpoint with name %s already exists in network %s", ep.ContainerName, n.Name)
		}
		used := map[string]bool{}
		c := b.Cursor()
		prefix := []byte(n.ID + "/")
		for k, v := c.Seek(prefix); k != nil && len(k) > len(prefix) && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			var other Endpoint
			if err := json.Unmarshal(v, &other); err != nil {
				return err
			}
			used[other.IP.String()] = true
		}
		ip, err := pickAddress(n, ep.IP, used)
		if err != nil {
			return err
		}
		ep.IP = ip
		if ep.MAC == "" {
			ep.MAC = macFor(ip)
		}
		return putJSON(b, epKey(n.ID, ep.ContainerID), ep)
	})
}

func (s *store) updateEndpoint(ep *Endpoint) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketEndpoints), epKey(ep.NetworkID, ep.ContainerID), ep)
	})
}

func (s *store) deleteEndpoint(networkID, containerID string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEndpoints).Delete(epKey(networkID, containerID))
	})
}
