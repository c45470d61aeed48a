package layer

import (
	"fmt"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// Names that the OCI/AUFS layer format reserves for deletions.
const (
	whiteoutPrefix = ".wh."
	// whiteoutMeta prefixes AUFS bookkeeping (.wh..wh.plnk, .wh..wh.aufs), meaningless here.
	whiteoutMeta   = whiteoutPrefix + whiteoutPrefix
	opaqueMarker   = whiteoutMeta + ".opq"
	opaqueXattr    = "trusted.overlay.opaque"
	opaqueXattrVal = "y"
)

// isAufsMeta reports whether a directory path lies inside AUFS bookkeeping.
func isAufsMeta(rel string) bool {
	for part := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(part, whiteoutMeta) {
			return true
		}
	}
	return false
}

// whiteout writes a deletion in overlayfs form: a 0:0 character device named after the deleted
// entry, or the opaque xattr on a directory whose lower contents are all hidden.
func (x *extractor) whiteout(parentRel, base string) error {
	rel := path.Join(parentRel, base)
	if base == opaqueMarker {
		dir, err := x.tree.dir(parentRel)
		if err != nil {
			return fmt.Errorf("entry %q: %w", rel, err)
		}
		if err := unix.Lsetxattr(fdPath(dir, "."), opaqueXattr, []byte(opaqueXattrVal), 0); err != nil {
			return pathErr(parentRel, "marking directory opaque", err)
		}
		return nil
	}
	if strings.HasPrefix(base, whiteoutMeta) {
		return nil
	}
	name := strings.TrimPrefix(base, whiteoutPrefix)
	if name == "" || name == "." || name == ".." {
		return invalidf("entry %q: whiteout of an invalid name", rel)
	}
	parent, err := x.tree.dir(parentRel)
	if err != nil {
		return fmt.Errorf("entry %q: %w", rel, err)
	}
	target := path.Join(parentRel, name)
	if _, err := x.clear(parent, target, name, false); err != nil {
		return err
	}
	if err := unix.Mknodat(int(parent.Fd()), name, unix.S_IFCHR, 0); err != nil {
		return pathErr(target, "creating whiteout", err)
	}
	return nil
}
