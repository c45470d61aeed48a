package supervisor

import (
	"context"

	"github.com/berth/berth/internal/container"
)

// Environment makes and takes down what a container's run needs besides
// its process: the root filesystem, mounts, network endpoints, the managed
// /etc files and the OCI bundle. The daemon provides it from the image,
// volume and network services; the supervisor calls it around each run.
type Environment interface {
	// Prepare readies one run of c and returns how to create its task. On
	// error nothing of the run is left behind.
	Prepare(ctx context.Context, c *container.Container) (*Run, error)
	// Release takes down what a run that ended no longer needs (mounts,
	// endpoints, bundle); the writable layer stays.
	Release(ctx context.Context, c *container.Container)
}

// Run is a prepared run of a container.
type Run struct {
	Create CreateRequest
	// Ready, if set, is called once the task exists and before it starts:
	// what needs the container's namespaces (its network endpoints) is
	// finished there, concurrently with the runtime's create.
	Ready func() error
	// Abort undoes Prepare when the run does not happen.
	Abort func()
}
