package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/berth/berth/internal/check"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/mount"
)

// StoreCheck runs the store check of every service, containers first: a
// container repaired releases what the network and volume checks would
// otherwise report.
func (d *Daemon) StoreCheck(ctx context.Context, repair bool) check.Report {
	return check.Run(ctx, repair,
		check.Area{Name: "containers", Checker: d.sup},
		check.Area{Name: "networks", Checker: d.networks},
		check.Area{Name: "volumes", Checker: d.volumes},
		check.Area{Name: "images", Checker: d.Service},
	)
}

// leftovers is the supervisor's Leftovers: what of a run the daemon's
// Environment made (rootfs mount, bundle, network namespace, endpoints)
// or the runtime made (cgroups) is still there for a container that does
// not run. Environment.Release takes all but the cgroups down.
type leftovers struct{ d *Daemon }

// cgroupDirs are the cgroups the runtime makes for container id at
// cgroupsPath: one per v1 hierarchy, or the one of the unified tree.
func cgroupDirs(id string) []string {
	matches, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", cgroupsPath(id)))
	if fi, err := os.Stat(filepath.Join("/sys/fs/cgroup", cgroupsPath(id))); err == nil && fi.IsDir() {
		matches = append(matches, filepath.Join("/sys/fs/cgroup", cgroupsPath(id)))
	}
	return matches
}

func (l leftovers) Find(c *container.Container) []string {
	d := l.d
	var out []string
	if ok, _ := mount.Mounted(l.d.rootfsDir(c.ID)); ok {
		out = append(out, "its root filesystem mounted at "+l.d.rootfsDir(c.ID))
	}
	if _, err := os.Stat(l.d.bundleDir(c.ID)); err == nil {
		out = append(out, "its bundle "+l.d.bundleDir(c.ID))
	}
	for _, dir := range cgroupDirs(c.ID) {
		out = append(out, "its cgroup "+dir)
	}
	if p := d.networks.NetNSPath(c.ID); p != "" {
		if _, err := os.Stat(p); err == nil {
			out = append(out, "its network namespace "+p)
		}
	}
	for _, ep := range d.networks.Endpoints(c.ID, "") {
		out = append(out, "its endpoint "+ep.IP.String()+" on network "+ep.NetworkID[:12])
	}
	return out
}

// Remove removes the cgroups left (Release did the rest). rmdir refuses a
// cgroup that still holds a process, so none is taken from under one.
func (l leftovers) Remove(ctx context.Context, c *container.Container) error {
	var errs []error
	for _, dir := range cgroupDirs(c.ID) {
		if err := os.Remove(dir); err != nil && !os.IsNotExist(err) {
			errs = append(errs, fmt.Errorf("cgroup %s: %w", dir, err))
		}
	}
	if left := l.Find(c); len(left) > 0 {
		errs = append(errs, fmt.Errorf("still there: %v", left))
	}
	return errors.Join(errs...)
}

// Strays lists the IDs with a bundle or a container directory.
func (l leftovers) Strays() []string {
	seen := map[string]bool{}
	var out []string
	for _, dir := range []string{filepath.Join(l.d.cfg.ExecRoot, "c"), filepath.Join(l.d.cfg.DataRoot, "containers")} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if id := e.Name(); e.IsDir() && isContainerID(id) && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// RemoveStray removes what a removal cut short after the record left:
// as cleanupContainer does, never deleting through a mount.
func (l leftovers) RemoveStray(id string) error {
	d := l.d
	if err := mount.Unmount(d.rootfsDir(id)); err != nil {
		return err
	}
	removeCgroups(cgroupsPath(id))
	if err := os.RemoveAll(d.bundleDir(id)); err != nil {
		return err
	}
	return os.RemoveAll(d.containerDir(id))
}

// isContainerID says whether name is a full container ID (64 hex digits).
func isContainerID(name string) bool {
	if len(name) != 64 {
		return false
	}
	for _, r := range name {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}
