// Package volume keeps Berth's volumes: named stores of data that outlive
// the containers mounting them. A Store holds the records (name, driver,
// labels, options, which containers use each) in a bbolt file of its own
// under <data-root>/volumes; a Driver owns the data itself. Local is the
// only driver: a directory per volume, or a filesystem mounted there with
// mount(2) when the volume was created with type/device/o options.
package volume

import (
	"fmt"
	"time"

	"github.com/containerd/errdefs"
)

// Volume is the record of one volume.
type Volume struct {
	Name      string            `json:"name"`
	Driver    string            `json:"driver"`
	Labels    map[string]string `json:"labels,omitempty"`
	Options   map[string]string `json:"options,omitempty"`
	CreatedAt time.Time         `json:"createdAt"`
	// Anonymous marks a volume made for a container's unnamed mount (-v
	// /path, an image's VOLUME): `rm -v` and `--rm` remove those, and
	// prune removes only those unless asked for all.
	Anonymous bool `json:"anonymous,omitempty"`
	// Users are the IDs of the containers that mount the volume; a volume
	// with users cannot be removed.
	Users []string `json:"users,omitempty"`
}

// notFound is Docker's wording for an unknown volume, which clients match.
func notFound(name string) error {
	return fmt.Errorf("get %s: %w", name, errdefs.ErrNotFound.WithMessage("no such volume"))
}
