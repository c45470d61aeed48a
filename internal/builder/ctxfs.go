package builder

import (
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/containerd/errdefs"
)

// maxLinks bounds the symlinks one lookup follows, as the kernel does.
const maxLinks = 255

// The build context is a srcFS over its index and spool.

func (bc *buildContext) resolve(rel string, followLast bool) (string, error) {
	parts := strings.Split(rel, "/")
	cur := "" // resolved so far
	links := 0
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		switch p {
		case "", ".":
			continue
		case "..":
			cur = parentOf(cur)
			continue
		}
		next := path.Join(cur, p)
		n, ok := bc.nodes[next]
		if !ok || n.mode&fs.ModeSymlink == 0 || (i == len(parts)-1 && !followLast) {
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return "", errdefs.ErrInvalidArgument.WithMessage("too many levels of symbolic links: " + rel)
		}
		// Follow the link as if the context were "/": an absolute target
		// starts again at the root, and ".." stops there.
		rest := append(strings.Split(n.link, "/"), parts[i+1:]...)
		if strings.HasPrefix(n.link, "/") {
			cur = ""
		}
		parts, i = rest, -1
	}
	return cur, nil
}

func (bc *buildContext) lstat(rel string) (fs.FileInfo, error) {
	n, ok := bc.nodes[rel]
	if !ok {
		return nil, &fs.PathError{Op: "lstat", Path: rel, Err: fs.ErrNotExist}
	}
	return nodeInfo{n}, nil
}

func (bc *buildContext) readDir(rel string) ([]string, error) {
	n, ok := bc.nodes[rel]
	if !ok || !n.mode.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: rel, Err: fs.ErrInvalid}
	}
	return bc.kids[rel], nil
}

func (bc *buildContext) readlink(rel string) (string, error) {
	n, ok := bc.nodes[rel]
	if !ok || n.mode&fs.ModeSymlink == 0 {
		return "", &fs.PathError{Op: "readlink", Path: rel, Err: fs.ErrInvalid}
	}
	return n.link, nil
}

func (bc *buildContext) open(rel string) (io.ReadCloser, error) {
	n, ok := bc.nodes[rel]
	if !ok || !n.mode.IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: rel, Err: fs.ErrInvalid}
	}
	return io.NopCloser(bc.section(n)), nil
}

func (bc *buildContext) sum(rel string) (string, bool) {
	n, ok := bc.nodes[rel]
	if !ok || !n.mode.IsRegular() {
		return "", false
	}
	return n.sum, true
}

// nodeInfo is a context entry as an fs.FileInfo.
type nodeInfo struct{ n *ctxNode }

func (i nodeInfo) Name() string       { return i.n.name }
func (i nodeInfo) Size() int64        { return i.n.size }
func (i nodeInfo) Mode() fs.FileMode  { return i.n.mode }
func (i nodeInfo) ModTime() time.Time { return i.n.mtime }
func (i nodeInfo) IsDir() bool        { return i.n.mode.IsDir() }
func (i nodeInfo) Sys() any           { return nil }
