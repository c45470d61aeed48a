package layer

import (
	"os"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// lowerView answers questions about the image below a container: the
// merged view of its layer directories as overlayfs shows it.
type lowerView struct {
	layers []*os.File // top first
}

func openLowers(dirs []string) (lowerView, error) {
	var v lowerView
	for _, d := range dirs {
		f, err := os.Open(d)
		if err != nil {
			v.close()
			return lowerView{}, err
		}
		v.layers = append(v.layers, f)
	}
	return v, nil
}

func (v lowerView) close() {
	for _, f := range v.layers {
		f.Close()
	}
}

// stat finds rel in the merged view: the entry of the topmost layer that
// has it, unless a higher layer hides it with a whiteout, an opaque
// directory or a non-directory on its path. Nothing is followed: layer
// trees come from images and may hold links to anywhere.
func (v lowerView) stat(rel string) (unix.Stat_t, bool, error) {
	parts := strings.Split(rel, "/")
	for _, layer := range v.layers {
		st, state, err := lookupLayer(layer, parts)
		if err != nil {
			return st, false, err
		}
		switch state {
		case lookFound:
			return st, true, nil
		case lookHidden:
			return st, false, nil
		}
	}
	return unix.Stat_t{}, false, nil
}

type lookState int

const (
	lookAbsent lookState = iota // not in this layer: ask the next one down
	lookFound
	lookHidden // this layer hides it from the layers below
)

func lookupLayer(layer *os.File, parts []string) (unix.Stat_t, lookState, error) {
	var st unix.Stat_t
	cur := layer
	defer func() {
		if cur != layer {
			cur.Close()
		}
	}()
	opaque := false
	for i, p := range parts {
		err := unix.Fstatat(int(cur.Fd()), p, &st, unix.AT_SYMLINK_NOFOLLOW)
		if isGone(err) {
			if opaque {
				return st, lookHidden, nil
			}
			return st, lookAbsent, nil
		}
		if err != nil {
			return st, lookAbsent, err
		}
		if isWhiteout(&st) {
			return st, lookHidden, nil
		}
		if i == len(parts)-1 {
			return st, lookFound, nil
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return st, lookHidden, nil
		}
		next, err := openDirAt(cur, p)
		if err != nil {
			return st, lookAbsent, err
		}
		if cur != layer {
			cur.Close()
		}
		cur = next
		opaque = opaque || isOpaque(cur)
	}
	return st, lookAbsent, nil
}

// names lists the names any layer has in the directory rel, whiteouts
// included; callers check each with stat.
func (v lowerView) names(rel string) ([]string, error) {
	seen := map[string]bool{}
	for _, layer := range v.layers {
		_, dir, err := statIn(layer, rel)
		if err != nil || dir == nil {
			continue
		}
		names, err := readNames(dir)
		dir.Close()
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			seen[n] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// openDirAt opens the directory name inside dir, refusing a symlink.
func openDirAt(dir *os.File, name string) (*os.File, error) {
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return os.NewFile(uintptr(fd), name), nil
}

// readNames lists a directory's entries, sorted, so that output built
// from it is the same on every run.
func readNames(dir *os.File) ([]string, error) {
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// isWhiteout reports overlayfs's mark of a deleted entry: a character
// device numbered 0:0.
func isWhiteout(st *unix.Stat_t) bool {
	return st.Mode&unix.S_IFMT == unix.S_IFCHR && st.Rdev == 0
}

// isOpaque reports whether the open directory hides the contents of the
// same directory in the layers below.
func isOpaque(dir *os.File) bool {
	buf := make([]byte, 8)
	n, err := unix.Fgetxattr(int(dir.Fd()), opaqueXattr, buf)
	return err == nil && string(buf[:n]) == opaqueXattrVal
}

func joinRel(dir, name string) string {
	if dir == "" || dir == "." {
		return name
	}
	return dir + "/" + name
}
