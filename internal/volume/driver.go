package volume

import "context"

// Driver keeps the data of volumes. The Store decides which volumes exist
// and who uses them; a driver only manages storage for a name.
//
// Life of a volume on a driver:
//
//	Create(ctx, name, opts)         storage exists, empty; Path(name) is its place
//	Mount(ctx, name, opts, ref) → p  p holds the data, until every ref unmounted
//	Unmount(ctx, name, ref)
//	Remove(ctx, name)               storage gone; Remove of an unknown name is not found
//
// Mount is counted by ref (a container ID): with options that make the
// driver mount a filesystem, the first Mount mounts it and the last Unmount
// takes it down. A Mount of a ref already mounted counts once. Mount finds a
// filesystem a previous daemon left mounted and adopts it.
//
// Every method that may reach storage takes the caller's context first: a
// driver whose storage is remote (a plugin, a network filesystem) gives up
// when the request does. Create and Mount with a context already done fail
// with its error and make nothing; Unmount and Remove tear down, and finish
// once begun whatever the context, so no mount outlives its users. Name and
// Path only compute, so that listing many volumes asks no driver anything.
type Driver interface {
	// Name is the driver's name as the API reports it ("local").
	Name() string
	// ValidateOptions refuses options the driver does not understand,
	// with an invalid-argument error, before anything is made.
	ValidateOptions(ctx context.Context, opts map[string]string) error
	// Create makes empty storage for name. Options were validated.
	Create(ctx context.Context, name string, opts map[string]string) error
	// Path is the host directory holding the volume's data while mounted
	// (always, for a plain directory); the API's Mountpoint.
	Path(name string) string
	// Mount makes the data available at Path(name) for ref and returns
	// that path.
	Mount(ctx context.Context, name string, opts map[string]string, ref string) (string, error)
	// Unmount drops ref's use; a ref that is not mounted is not an error.
	Unmount(ctx context.Context, name, ref string) error
	// Remove deletes the storage and the data in it.
	Remove(ctx context.Context, name string) error
}
