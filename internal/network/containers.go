package network

import (
	"encoding/json"
	"net/netip"

	bolt "go.etcd.io/bbolt"
)

var bucketContainers = []byte("container-networks")

// EndpointConfig is what a container asked for on one network (run
// --network-alias/--ip, network connect --alias/--ip). It is kept while
// the container exists, so every start joins the same networks.
type EndpointConfig struct {
	IP      netip.Addr `json:"ip,omitzero"`
	Aliases []string   `json:"aliases,omitempty"`
	// Links are run --link on a user network, as "name[:alias]".
	Links []string `json:"links,omitempty"`
}

// SetContainerNetworks records the networks a container joins besides its
// network mode's, by network name or ID.
func (m *Manager) SetContainerNetworks(containerID string, cfg map[string]EndpointConfig) error {
	return m.st.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketContainers)
		if err != nil {
			return err
		}
		if len(cfg) == 0 {
			return b.Delete([]byte(containerID))
		}
		return putJSON(b, []byte(containerID), cfg)
	})
}

// ContainerNetworks returns what SetContainerNetworks recorded.
func (m *Manager) ContainerNetworks(containerID string) map[string]EndpointConfig {
	out := map[string]EndpointConfig{}
	m.st.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketContainers); b != nil {
			if v := b.Get([]byte(containerID)); v != nil {
				json.Unmarshal(v, &out)
			}
		}
		return nil
	})
	return out
}
