package snapshot_test

import (
	"testing"

	"github.com/berth/berth/internal/snapshot"
	"github.com/berth/berth/internal/snapshot/snapshottest"
)

func TestStoreConformance(t *testing.T) {
	snapshottest.Run(t, func(t *testing.T) snapshot.Snapshotter {
		s, err := snapshot.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
