package volume

// Driver keeps the data of volumes. The Store decides which volumes exist
// and who uses them; a driver only manages storage for a name.
//
// Life of a volume on a driver:
//
//	Create(name, opts)         storage exists, empty; Path(name) is its place
//	Mount(name, opts, ref) → p  p holds the data, until every ref unmounted
//	Unmount(name, ref)
//	Remove(name)               storage gone; Remove of an unknown name is not found
//
// Mount is counted by ref (a container ID): with options that make the
// driver mount a filesystem, the first Mount mounts it and the last Unmount
// takes it down. A Mount of a ref already mounted counts once. Mount finds a
// filesystem a previous daemon left mounted and adopts it.
type Driver interface {
	// Name is the driver's name as the API reports it ("local").
	Name() string
	// ValidateOptions refuses options the driver does not understand,
	// with an invalid-argument error, before anything is made.
	ValidateOptions(opts map[string]string) error
	// Create makes empty storage for name. Options were validated.
	Create(name string, opts map[string]string) error
	// Path is the host directory holding the volume's data while mounted
	// (always, for a plain directory); the API's Mountpoint.
	Path(name string) string
	// Mount makes the data available at Path(name) for ref and returns
	// that path.
	Mount(name string, opts map[string]string, ref string) (string, error)
	// Unmount drops ref's use; a ref that is not mounted is not an error.
	Unmount(name, ref string) error
	// Remove deletes the storage and the data in it.
	Remove(name string) error
}
