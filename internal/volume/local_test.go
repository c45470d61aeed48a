package volume_test

import (
	"testing"

	"github.com/berth/berth/internal/volume"
	"github.com/berth/berth/internal/volume/volumetest"
)

func TestLocalConformance(t *testing.T) {
	volumetest.Run(t, func(t *testing.T) volume.Driver {
		d, err := volume.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return d
	}, true)
}
