package layer

import (
	"context"
	"errors"
	"os"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// ChangeKind says how a path differs from the image. The values are the
// Docker Engine API's: 0 modified, 1 added, 2 deleted.
type ChangeKind int

// The kinds of change, numbered as in the Docker Engine API.
const (
	Modified ChangeKind = 0
	Added    ChangeKind = 1
	Deleted  ChangeKind = 2
)

// Change is one path of a container's filesystem that differs from its
// image. Path is absolute inside the container ("/etc/passwd").
type Change struct {
	Path string
	Kind ChangeKind
}

// Upper is a container's writable overlayfs layer over its image's layers.
// Everything in it is untrusted: a running container rewrites it at will,
// so it is read through directory handles and never by following a link.
type Upper struct {
	Dir    string   // the overlay upperdir
	Lowers []string // the image's layer directories, top first (as lowerdir)
	// Mountpoints are paths (relative, slash-separated) that the OCI runtime
	// creates in the upper layer as targets of its mounts when the image
	// lacks them (etc/hosts, proc, ...). Docker keeps those in a separate
	// init layer, so neither diff nor commit shows them: an empty file, or a
	// directory holding only such paths, that the image does not have is
	// left out of Changes and Diff.
	Mountpoints []string
}

// Changes lists what differs between the container's filesystem and its
// image, sorted by path, as `docker diff` shows it: paths whose whiteout
// is in the upper layer are deleted, paths the image has are modified,
// others added; a directory is modified when its owner or mode changed or
// when something below it changed.
func (u Upper) Changes(ctx context.Context) ([]Change, error) {
	root, err := os.Open(u.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // never started: nothing written yet
	}
	if err != nil {
		return nil, err
	}
	defer root.Close()
	lower, err := openLowers(u.Lowers)
	if err != nil {
		return nil, err
	}
	defer lower.close()
	skip, err := runtimeMade(root, lower, u.Mountpoints)
	if err != nil {
		return nil, err
	}
	w := &changeWalker{ctx: ctx, lower: lower, skip: skip}
	if _, err := w.walk(root, "", false); err != nil {
		return nil, err
	}
	sort.Slice(w.out, func(i, j int) bool { return w.out[i].Path < w.out[j].Path })
	return w.out, nil
}

type changeWalker struct {
	ctx   context.Context
	lower lowerView
	skip  map[string]bool
	out   []Change
}

func (w *changeWalker) add(rel string, kind ChangeKind) {
	w.out = append(w.out, Change{Path: "/" + rel, Kind: kind})
}

// walk records the changes under the upper directory dir (rel inside the
// layer) and reports whether there were any. added says the image has no
// such directory, so everything below is new.
func (w *changeWalker) walk(dir *os.File, rel string, added bool) (bool, error) {
	if err := w.ctx.Err(); err != nil {
		return false, err
	}
	names, err := readNames(dir)
	if err != nil {
		return false, err
	}
	changed := false
	for _, name := range names {
		child := joinRel(rel, name)
		if w.skip[child] {
			continue
		}
		var st unix.Stat_t
		if err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			if isGone(err) {
				continue // removed by the running container meanwhile
			}
			return false, err
		}
		if isWhiteout(&st) {
			if !added {
				w.add(child, Deleted)
				changed = true
			}
			continue
		}
		var below unix.Stat_t
		found := false
		if !added {
			if below, found, err = w.lower.stat(child); err != nil {
				return false, err
			}
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			w.add(child, map[bool]ChangeKind{true: Modified, false: Added}[found])
			changed = true
			continue
		}
		sub, err := openDirAt(dir, name)
		if err != nil {
			if isGone(err) {
				continue
			}
			return false, err
		}
		if !found {
			w.add(child, Added)
			_, err = w.walk(sub, child, true)
			sub.Close()
			if err != nil {
				return false, err
			}
			changed = true
			continue
		}
		at := len(w.out)
		w.add(child, Modified)
		inner, err := w.walk(sub, child, false)
		if err == nil && isOpaque(sub) {
			var hid bool
			hid, err = w.hiddenBelow(sub, child)
			inner = inner || hid
		}
		sub.Close()
		if err != nil {
			return false, err
		}
		if inner || metaChanged(&st, &below) {
			changed = true
		} else {
			w.out = append(w.out[:at], w.out[at+1:]...)
		}
	}
	return changed, nil
}

// hiddenBelow records as deleted what the image has in the directory rel
// that the opaque upper directory dir no longer shows.
func (w *changeWalker) hiddenBelow(dir *os.File, rel string) (bool, error) {
	names, err := w.lower.names(rel)
	if err != nil {
		return false, err
	}
	deleted := false
	for _, name := range names {
		var st unix.Stat_t
		if err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil {
			continue // shown (and handled) by the upper layer
		}
		child := joinRel(rel, name)
		if _, found, err := w.lower.stat(child); err != nil {
			return false, err
		} else if found && !w.skip[child] {
			w.add(child, Deleted)
			deleted = true
		}
	}
	return deleted, nil
}

// metaChanged compares what Docker compares for a directory present in
// both: type, permissions and owner (not times or size, which copy-up and
// any entry created inside change).
func metaChanged(a, b *unix.Stat_t) bool {
	return a.Mode != b.Mode || a.Uid != b.Uid || a.Gid != b.Gid
}

// runtimeMade finds the mount targets the runtime created in the upper
// layer (see Upper.Mountpoints), deepest first so that a directory holding
// only such targets is recognised too.
func runtimeMade(root *os.File, lower lowerView, mountpoints []string) (map[string]bool, error) {
	mps := append([]string(nil), mountpoints...)
	sort.Slice(mps, func(i, j int) bool { return strings.Count(mps[i], "/") > strings.Count(mps[j], "/") })
	skip := map[string]bool{}
	for _, mp := range mps {
		low, found, err := lower.stat(mp)
		if err != nil {
			return nil, err
		}
		st, dir, err := statIn(root, mp)
		if err != nil {
			if isGone(err) {
				continue
			}
			return nil, err
		}
		if found {
			// The image has it: only a directory copied up because the
			// runtime made targets inside it, and otherwise unchanged
			// (same type, mode and owner, not opaque), is left out.
			unchanged := st.Mode == low.Mode && st.Uid == low.Uid && st.Gid == low.Gid
			if dir == nil || !unchanged || isOpaque(dir) {
				if dir != nil {
					dir.Close()
				}
				continue
			}
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			skip[mp] = st.Size == 0
		case unix.S_IFDIR:
			names, err := readNames(dir)
			if err != nil {
				dir.Close()
				return nil, err
			}
			only := true
			for _, n := range names {
				only = only && skip[joinRel(mp, n)]
			}
			skip[mp] = only
		}
		if dir != nil {
			dir.Close()
		}
	}
	return skip, nil
}

// statIn looks rel up under root without following any link; when rel is
// a directory it is returned open too.
func statIn(root *os.File, rel string) (unix.Stat_t, *os.File, error) {
	var st unix.Stat_t
	parts := strings.Split(rel, "/")
	cur := root
	defer func() {
		if cur != root {
			cur.Close()
		}
	}()
	for i, p := range parts {
		if err := unix.Fstatat(int(cur.Fd()), p, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return st, nil, err
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			if i < len(parts)-1 {
				return st, nil, unix.ENOTDIR
			}
			return st, nil, nil
		}
		next, err := openDirAt(cur, p)
		if err != nil {
			return st, nil, err
		}
		if cur != root {
			cur.Close()
		}
		cur = next
	}
	d := cur
	cur = root // keep it open for the caller
	return st, d, nil
}
