package testutil

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/berth/berth/internal/config"
	"github.com/berth/berth/internal/network"
	bolt "go.etcd.io/bbolt"
)

// removeNetworks deletes the bridges and nftables table of a stopped test
// daemon, which berthd itself keeps for the next start.
func removeNetworks(t testing.TB, dataRoot string, args []string) {
	bridge := ""
	for i, a := range args {
		if (a == "--bridge" || a == "-b") && i+1 < len(args) {
			bridge = args[i+1]
		}
	}
	if err := PurgeNetworks(dataRoot, bridge); err != nil {
		t.Logf("cleanup networks: %v", err)
	}
}

// PurgeNetworks removes the bridges and nftables table of the stopped
// daemon whose data root is dataRoot; bridge is its --bridge, or "" for
// the name derived from the data root.
func PurgeNetworks(dataRoot, bridge string) error {
	if bridge == "" {
		bridge = config.DefaultBridge(dataRoot)
	}
	db, err := bolt.Open(filepath.Join(dataRoot, "metadata.db"), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	return network.Purge(db, bridge)
}
