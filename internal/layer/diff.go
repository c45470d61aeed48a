package layer

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
)

// Diff writes the upper layer to w as an image layer tar: what Apply turns
// back into the same directory. Whiteout devices become ".wh.NAME" entries,
// an opaque directory is followed by its ".wh..wh..opq" marker, owners,
// modes, times, file capabilities and user.* xattrs are kept, and files
// linked to each other stay hardlinks. overlayfs's own xattrs and the
// runtime's mount targets (Mountpoints) are left out. The work directory
// lives beside the upper one, so none of its files can appear.
//
// A container that never ran has no upper directory: its diff is an empty
// layer.
func (u Upper) Diff(ctx context.Context, w io.Writer) error {
	root, err := os.Open(u.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return tar.NewWriter(w).Close()
	}
	if err != nil {
		return err
	}
	defer root.Close()
	lower, err := openLowers(u.Lowers)
	if err != nil {
		return err
	}
	skip, err := runtimeMade(root, lower, u.Mountpoints)
	lower.close()
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	t := &treeWriter{ctx: ctx, tw: tw, links: map[inode]string{}, layer: true, skip: skip}
	if err := t.add(root, ".", "", ""); err != nil {
		return err
	}
	return tw.Close()
}
