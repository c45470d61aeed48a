package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/berth/berth/internal/container"
	bolt "go.etcd.io/bbolt"
)

// Before the record owned all of a container's state, its mounts lived in
// containers/<id>/mounts.json and its networks in the network package's
// "container-networks" bucket. upgradeContainerRecords moves both into the
// records, one transaction per container, so a data root written by an
// older berthd opens with its containers (running ones included) intact.
// Each step is repeatable: a crash half way is finished by the next start.
const (
	legacyMountsFile     = "mounts.json"
	legacyNetworksBucket = "container-networks"
)

func (d *Daemon) upgradeContainerRecords() error {
	networks, err := d.legacyNetworks()
	if err != nil {
		return err
	}
	for _, c := range d.containers.List() {
		file := filepath.Join(d.containerDir(c.ID), legacyMountsFile)
		mounts, err := readLegacyMounts(file)
		if err != nil {
			return fmt.Errorf("container %s: %w", c.ID, err)
		}
		nets := networks[c.ID]
		if (mounts != nil && c.Mounts == nil) || (nets != nil && c.Networks == nil) {
			if _, err := d.containers.Update(c.ID, func(c *container.Container) error {
				if c.Mounts == nil {
					c.Mounts = mounts
				}
				if c.Networks == nil {
					c.Networks = nets
				}
				return nil
			}); err != nil {
				return err
			}
			slog.Info("moved a container's mounts and networks into its record", "container", c.ID)
		}
		if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if networks == nil {
		return nil
	}
	return d.db.Update(func(tx *bolt.Tx) error {
		return tx.DeleteBucket([]byte(legacyNetworksBucket))
	})
}

func readLegacyMounts(path string) ([]container.MountPoint, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var mps []container.MountPoint
	return mps, json.Unmarshal(data, &mps)
}

// legacyNetworks reads the old bucket, nil when there is none.
func (d *Daemon) legacyNetworks() (map[string]map[string]container.EndpointConfig, error) {
	var out map[string]map[string]container.EndpointConfig
	err := d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(legacyNetworksBucket))
		if b == nil {
			return nil
		}
		out = map[string]map[string]container.EndpointConfig{}
		return b.ForEach(func(k, v []byte) error {
			var m map[string]container.EndpointConfig
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("container %s: corrupt network settings: %w", k, err)
			}
			out[string(k)] = m
			return nil
		})
	})
	return out, err
}
