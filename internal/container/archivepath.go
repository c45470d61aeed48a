package container

import (
	"path"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
)

// MountRoot is one mount of a container as docker cp sees it: what the
// container finds at Destination, and where that is on the host.
type MountRoot struct {
	Destination string // absolute, clean path in the container
	// Root is the host directory every lookup below Destination is
	// confined to: a volume's data, a bind source, or, for a running
	// container's tmpfs, the container's own root (/proc/<pid>/root).
	Root string
	// ContainerRoot says Root shows the container's whole filesystem, so
	// paths below Destination keep their full container form in it.
	ContainerRoot bool
	ReadOnly      bool
}

// Location is where a container path lives for a copy: a path inside a
// root directory that confines it, and the mount it is on (nil for the
// container's root filesystem).
type Location struct {
	Root  string
	Path  string // inside Root; keeps a trailing "/" or "/." of the request
	Mount *MountRoot
	// Name is what docker cp calls the requested path, whatever root it
	// is found in: its last element ("." for a path ending in "/.").
	Name string
}

// Locate finds where the container path p lives, given the container's
// root filesystem and its mounts. The mount with the longest Destination
// holding p wins. When none holds p as written, p's parent is resolved
// inside rootfs (symlinks followed as if rootfs were "/") and mounts are
// matched again, so a link in the image that leads onto a volume still
// reaches the volume. The caller opens Location.Path inside Location.Root
// with confinement (pathrs); Locate only chooses the root.
func Locate(rootfs string, mounts []MountRoot, p string) (Location, error) {
	abs := path.Clean("/" + p)
	m := longestMount(mounts, abs)
	if m == nil && abs != "/" {
		dir, err := securejoin.SecureJoin(rootfs, path.Dir(abs))
		if err != nil {
			return Location{}, err
		}
		rel, err := filepath.Rel(filepath.Clean(rootfs), dir)
		if err != nil {
			return Location{}, err
		}
		if canon := path.Join("/", filepath.ToSlash(rel), path.Base(abs)); canon != abs {
			if m = longestMount(mounts, canon); m != nil {
				abs = canon
			}
		}
	}
	loc := Location{Root: rootfs, Path: abs, Mount: m, Name: path.Base(abs)}
	if path.Base(p) == "." {
		loc.Name = "."
	}
	if m != nil {
		loc.Root = m.Root
		if !m.ContainerRoot {
			loc.Path = path.Join("/", strings.TrimPrefix(abs, m.Destination))
		}
	}
	loc.Path = keepTrailing(loc.Path, p)
	return loc, nil
}

// ContainerPath turns a path inside l.Root (as "/"-rooted) back into the
// container's path, e.g. for a symlink's resolved target.
func (l Location) ContainerPath(inRoot string) string {
	if l.Mount == nil || l.Mount.ContainerRoot {
		return inRoot
	}
	return path.Join(l.Mount.Destination, inRoot)
}

// longestMount is the mount whose destination is p or p's nearest
// ancestor.
func longestMount(mounts []MountRoot, p string) *MountRoot {
	var best *MountRoot
	for i := range mounts {
		d := mounts[i].Destination
		if (p == d || strings.HasPrefix(p, d+"/")) && (best == nil || len(d) > len(best.Destination)) {
			best = &mounts[i]
		}
	}
	return best
}

// keepTrailing carries docker cp's "follow the link" markers, a final "/"
// or "/.", from the request over to the located path.
func keepTrailing(located, requested string) string {
	switch {
	case strings.HasSuffix(requested, "/.") || requested == ".":
		return strings.TrimSuffix(located, "/") + "/."
	case strings.HasSuffix(requested, "/") && located != "/":
		return located + "/"
	}
	return located
}
