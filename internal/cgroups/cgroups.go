// Package cgroups reads what the kernel accounts for a container's cgroup:
// its processes, CPU time, memory, pids and block I/O. It understands the
// v1 layout (one hierarchy per controller, including the hybrid layout
// with cgroup2 beside them at unified/) and the v2 unified hierarchy. It
// only reads: creating and limiting cgroups is the OCI runtime's job.
package cgroups

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"golang.org/x/sys/unix"
)

// DefaultRoot is where the host mounts its cgroup filesystems.
const DefaultRoot = "/sys/fs/cgroup"

// Cgroup is one cgroup, named by its path below the hierarchy roots
// ("/berth/<id>"), as the OCI spec's linux.cgroupsPath gives it.
type Cgroup struct {
	root    string
	path    string
	unified bool
}

// Open returns the cgroup at path on this host, finding out whether the
// host runs cgroup v2 (unified) or v1.
func Open(path string) Cgroup {
	return New(DefaultRoot, path, IsUnified(DefaultRoot))
}

// New returns the cgroup at path below root, in the v2 layout when unified
// is true and the v1 layout otherwise. Tests point root at a fake tree.
func New(root, path string, unified bool) Cgroup {
	return Cgroup{root: root, path: path, unified: unified}
}

// IsUnified reports whether root is a cgroup2 mount. A hybrid host (v1
// hierarchies, cgroup2 only at root/unified) is not.
func IsUnified(root string) bool {
	var st unix.Statfs_t
	return unix.Statfs(root, &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
}

// Unified reports whether the cgroup is read in the v2 layout.
func (c Cgroup) Unified() bool { return c.unified }

// dir is the cgroup's directory in the hierarchy of controller (v1), or in
// the unified hierarchy (v2, where controller is ignored).
func (c Cgroup) dir(controller string) string {
	if c.unified {
		return filepath.Join(c.root, c.path)
	}
	return filepath.Join(c.root, controller, c.path)
}

// Exists reports whether the cgroup is there at all: a container that never
// ran, or whose runtime cleaned up, has none.
func (c Cgroup) Exists() bool {
	for _, ctrl := range []string{"pids", "memory", "cpuacct"} {
		if _, err := os.Stat(c.dir(ctrl)); err == nil {
			return true
		}
	}
	return false
}

// Pids returns the host pids of every process in the cgroup and the
// cgroups below it, in ascending order. On v1 it reads the pids hierarchy,
// else memory, else cpuacct: whichever the host mounts.
func (c Cgroup) Pids() ([]int, error) {
	dir := c.dir("")
	if !c.unified {
		dir = ""
		for _, ctrl := range []string{"pids", "memory", "cpuacct"} {
			if _, err := os.Stat(c.dir(ctrl)); err == nil {
				dir = c.dir(ctrl)
				break
			}
		}
		if dir == "" {
			return nil, errdefs.ErrNotFound.WithMessage("cgroup " + c.path + " not found")
		}
	}
	var pids []int
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errors.Is(err, fs.ErrNotExist) {
				return nil // a child cgroup went away meanwhile
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(filepath.Join(p, "cgroup.procs"))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		for _, f := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(f); err == nil {
				pids = append(pids, n)
			}
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errdefs.ErrNotFound.WithMessage("cgroup " + c.path + " not found")
	}
	sort.Ints(pids)
	return pids, err
}

// readUint reads a file holding one number. "max" (no limit) reads as 0
// with ok false; a missing file too.
func readUint(path string) (v uint64, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	s := strings.TrimSpace(string(data))
	v, err = strconv.ParseUint(s, 10, 64)
	return v, err == nil
}

// readKeyValues reads a flat keyed file ("key value" lines) such as
// memory.stat or cpu.stat. A missing file yields an empty map.
func readKeyValues(path string) map[string]uint64 {
	out := map[string]uint64{}
	data, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		if v, err := strconv.ParseUint(f[1], 10, 64); err == nil {
			out[f[0]] = v
		}
	}
	return out
}

// WeightSupported reports whether the host's I/O scheduler takes block
// I/O weights (--blkio-weight): v1 then shows blkio.weight (CFQ) or
// blkio.bfq.weight (BFQ) at the blkio root, v2 has an io controller.
func WeightSupported(root string) bool {
	if IsUnified(root) {
		data, _ := os.ReadFile(filepath.Join(root, "cgroup.controllers"))
		for _, c := range strings.Fields(string(data)) {
			if c == "io" {
				return true
			}
		}
		return false
	}
	for _, f := range []string{"blkio.weight", "blkio.bfq.weight"} {
		if _, err := os.Stat(filepath.Join(root, "blkio", f)); err == nil {
			return true
		}
	}
	return false
}
