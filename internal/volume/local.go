package volume

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/berth/berth/internal/mount"
	"github.com/containerd/errdefs"
)

// LocalDriverName is the name of the built-in driver.
const LocalDriverName = "local"

// Local is the local driver: each volume is <root>/<name>/_data, a plain
// directory, or the mount point of the filesystem its options describe
// (type=tmpfs, a bind of device, an NFS export), mounted while some
// container uses it.
type Local struct {
	root string

	mu   sync.Mutex
	refs map[string]map[string]bool // volume → refs mounting it
}

// NewLocal returns the local driver keeping volumes under root.
func NewLocal(root string) (*Local, error) {
	if err := os.MkdirAll(root, 0o701); err != nil {
		return nil, err
	}
	return &Local{root: root, refs: map[string]map[string]bool{}}, nil
}

// Name implements Driver.
func (l *Local) Name() string { return LocalDriverName }

// Path implements Driver.
func (l *Local) Path(name string) string { return filepath.Join(l.root, name, "_data") }

// ValidateOptions implements Driver.
func (l *Local) ValidateOptions(ctx context.Context, opts map[string]string) error {
	_, err := parseMountOptions(opts)
	return err
}

// Create implements Driver. A request already given up makes nothing.
func (l *Local) Create(ctx context.Context, name string, opts map[string]string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(l.root, name), 0o701); err != nil {
		return err
	}
	return os.MkdirAll(l.Path(name), 0o755)
}

// Mount implements Driver. A request already given up mounts nothing;
// mount(2) itself cannot be interrupted.
func (l *Local) Mount(ctx context.Context, name string, opts map[string]string, ref string) (string, error) {
	mo, err := parseMountOptions(opts)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	path := l.Path(name)
	// A record whose directory was lost (a crash between the record and
	// the directory) still mounts: the directory is made again.
	if err := os.MkdirAll(path, 0o755); err != nil {
		return "", err
	}
	if mo != nil && len(l.refs[name]) == 0 {
		mounted, err := mount.Mounted(path)
		if err != nil {
			return "", err
		}
		if !mounted { // else a previous daemon's mount, adopted
			if err := mo.mount(path); err != nil {
				return "", fmt.Errorf("mounting volume %s: %w", name, err)
			}
		}
	}
	if l.refs[name] == nil {
		l.refs[name] = map[string]bool{}
	}
	l.refs[name][ref] = true
	return path, nil
}

// Unmount implements Driver. The filesystem of an options volume comes
// down with its last ref; a directory volume has nothing to take down.
// Taking down is local and quick, and is done even for a request given up,
// so that no mount outlives its users.
func (l *Local) Unmount(ctx context.Context, name, ref string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	refs := l.refs[name]
	if !refs[ref] {
		return nil
	}
	delete(refs, ref)
	if len(refs) > 0 {
		return nil
	}
	delete(l.refs, name)
	return mount.Unmount(l.Path(name))
}

// Remove implements Driver; like Unmount, it finishes once begun.
func (l *Local) Remove(ctx context.Context, name string) error {
	dir := filepath.Join(l.root, name)
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		return notFound(name)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.refs, name)
	// Never delete through a mount: that would empty the device or the
	// bind source instead of the volume.
	if err := mount.Unmount(l.Path(name)); err != nil {
		return err
	}
	if mounted, _ := mount.Mounted(l.Path(name)); mounted {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("remove %s: volume is still mounted", name))
	}
	return os.RemoveAll(dir)
}
