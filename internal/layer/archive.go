package layer

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// WriteTar writes the entry base of the directory dir to w as a tar
// stream, and everything under it when it is a directory. The entry is
// named name in the archive and what is under it name/...; an empty name
// leaves a directory's own entry out and names its contents from the top
// of the archive, as `docker export` does. base "." is dir itself.
//
// dir may be an O_PATH handle. Nothing is followed: a symlink is archived
// as a symlink, so a tree a container controls cannot make the archive
// include a file from outside it.
func WriteTar(ctx context.Context, w io.Writer, dir *os.File, base, name string) error {
	tw := tar.NewWriter(w)
	t := &treeWriter{ctx: ctx, tw: tw, links: map[inode]string{}}
	if err := t.add(dir, base, name, ""); err != nil {
		return err
	}
	return tw.Close()
}

type inode struct{ dev, ino uint64 }

// treeWriter archives a directory tree read through directory handles.
type treeWriter struct {
	ctx   context.Context
	tw    *tar.Writer
	links map[inode]string // tar name of the first entry of each multiply-linked file
	// layer writes an overlay upper dir as an image layer: whiteout devices
	// become ".wh." entries and opaque directories get ".wh..wh..opq".
	layer bool
	skip  map[string]bool // rel paths left out
}

// add archives base (inside parent) as name; rel is its path relative to
// where the walk began, for skip.
func (t *treeWriter) add(parent *os.File, base, name, rel string) error {
	if err := t.ctx.Err(); err != nil {
		return err
	}
	if t.skip[rel] {
		return nil
	}
	var st unix.Stat_t
	if err := unix.Fstatat(int(parent.Fd()), base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if isGone(err) && rel != "" {
			return nil // removed by a running container while we walked
		}
		return &os.PathError{Op: "lstat", Path: base, Err: err}
	}
	if t.layer && isWhiteout(&st) {
		dir, file := splitName(name)
		hdr := header(&st, dir+whiteoutPrefix+file)
		hdr.Typeflag, hdr.Mode = tar.TypeReg, 0o600
		return t.tw.WriteHeader(hdr)
	}
	hdr := header(&st, name)
	if err := t.xattrs(parent, base, hdr); err != nil {
		return err
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return t.dir(parent, base, name, rel, hdr)
	case unix.S_IFREG:
		return t.file(parent, base, &st, hdr)
	case unix.S_IFLNK:
		target, err := readlinkAt(parent, base)
		if err != nil {
			return err
		}
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, target
	case unix.S_IFCHR, unix.S_IFBLK:
		hdr.Typeflag = tar.TypeChar
		if st.Mode&unix.S_IFMT == unix.S_IFBLK {
			hdr.Typeflag = tar.TypeBlock
		}
		hdr.Devmajor, hdr.Devminor = int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev))
	case unix.S_IFIFO:
		hdr.Typeflag = tar.TypeFifo
	default:
		return nil // sockets cannot be archived; Docker leaves them out too
	}
	return t.tw.WriteHeader(hdr)
}

func (t *treeWriter) dir(parent *os.File, base, name, rel string, hdr *tar.Header) error {
	d, err := openDirAt(parent, base)
	if err != nil {
		if isGone(err) && rel != "" {
			return nil
		}
		return err
	}
	defer d.Close()
	if name != "" {
		hdr.Typeflag = tar.TypeDir
		if !strings.HasSuffix(hdr.Name, "/") {
			hdr.Name += "/"
		}
		if err := t.tw.WriteHeader(hdr); err != nil {
			return err
		}
		if t.layer && isOpaque(d) {
			marker := *hdr
			marker.Name, marker.Typeflag, marker.Mode, marker.PAXRecords = hdr.Name+opaqueMarker, tar.TypeReg, 0o600, nil
			if err := t.tw.WriteHeader(&marker); err != nil {
				return err
			}
		}
	}
	names, err := readNames(d)
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := t.add(d, n, childName(name, n), joinRel(rel, n)); err != nil {
			return err
		}
	}
	return nil
}

// file archives a regular file, or a hardlink to one archived before.
func (t *treeWriter) file(parent *os.File, base string, st *unix.Stat_t, hdr *tar.Header) error {
	id := inode{uint64(st.Dev), st.Ino}
	if st.Nlink > 1 {
		if first, ok := t.links[id]; ok {
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
			return t.tw.WriteHeader(hdr)
		}
		t.links[id] = hdr.Name
	}
	fd, err := unix.Openat(int(parent.Fd()), base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: base, Err: err}
	}
	f := os.NewFile(uintptr(fd), base)
	defer f.Close()
	// Swapped for something else since the lstat: archived as empty rather
	// than whatever now sits there.
	var now unix.Stat_t
	if err := unix.Fstat(fd, &now); err != nil {
		return err
	}
	hdr.Typeflag, hdr.Size = tar.TypeReg, st.Size
	if now.Ino != st.Ino || now.Dev != st.Dev {
		hdr.Size = 0
	}
	if err := t.tw.WriteHeader(hdr); err != nil {
		return err
	}
	n, err := io.CopyN(t.tw, f, hdr.Size)
	if errors.Is(err, io.EOF) {
		// The file shrank while being read (a running container): pad, so
		// the archive stays well formed.
		_, err = io.CopyN(t.tw, zeroReader{}, hdr.Size-n)
	}
	return err
}

// header fills what every entry shares. Times are whole seconds, as Docker
// writes them, so that the same tree gives the same tar.
func header(st *unix.Stat_t, name string) *tar.Header {
	return &tar.Header{
		Name:    name,
		Mode:    int64(st.Mode & 0o7777),
		Uid:     int(st.Uid),
		Gid:     int(st.Gid),
		ModTime: time.Unix(st.Mtim.Sec, 0),
	}
}

// xattrs records the extended attributes Docker archives: file
// capabilities and user.* ones. overlayfs's own (trusted.overlay.*) and
// security labels stay behind.
func (t *treeWriter) xattrs(parent *os.File, base string, hdr *tar.Header) error {
	p := fdPath(parent, base)
	buf := make([]byte, 4096)
	n, err := unix.Llistxattr(p, buf)
	if errors.Is(err, unix.ERANGE) {
		if n, err = unix.Llistxattr(p, nil); err == nil {
			buf = make([]byte, n)
			n, err = unix.Llistxattr(p, buf)
		}
	}
	if err != nil {
		if errors.Is(err, unix.ENOTSUP) || isGone(err) {
			return nil
		}
		return &os.PathError{Op: "listxattr", Path: base, Err: err}
	}
	for _, key := range bytes.Split(buf[:n], []byte{0}) {
		k := string(key)
		if k != "security.capability" && !strings.HasPrefix(k, "user.") {
			continue
		}
		val, err := getxattr(p, k)
		if err != nil {
			continue // removed meanwhile
		}
		if hdr.PAXRecords == nil {
			hdr.PAXRecords = map[string]string{}
		}
		hdr.PAXRecords[paxXattr+k] = string(val)
		hdr.Format = tar.FormatPAX
	}
	return nil
}

func getxattr(path, key string) ([]byte, error) {
	sz, err := unix.Lgetxattr(path, key, nil)
	if err != nil {
		return nil, err
	}
	val := make([]byte, sz)
	sz, err = unix.Lgetxattr(path, key, val)
	if err != nil {
		return nil, err
	}
	return val[:sz], nil
}

func readlinkAt(dir *os.File, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(int(dir.Fd()), name, buf)
		if err != nil {
			return "", &os.PathError{Op: "readlink", Path: name, Err: err}
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// childName names an entry inside the directory archived as name.
func childName(name, child string) string {
	if name == "" {
		return child
	}
	return strings.TrimSuffix(name, "/") + "/" + child
}

// splitName splits a tar name into its directory (with its trailing slash)
// and base.
func splitName(name string) (string, string) {
	i := strings.LastIndexByte(name, '/')
	return name[:i+1], name[i+1:]
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
