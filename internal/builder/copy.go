package builder

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// copySpec is a COPY or ADD after expansion.
type copySpec struct {
	text, from, chown, chmod string
	add                      bool
	srcs                     instructions.SourcesAndDest
}

// copyEntry is one file of the layer a COPY makes.
type copyEntry struct {
	src     string      // path in the source tree
	name    string      // path in the layer, without the leading slash
	fi      os.FileInfo // nil for inline content
	data    string      // inline (heredoc) content
	archive bool        // ADD: unpack src under name
}

// copy makes the layer of a COPY or ADD step. Its cache key covers the
// content, names, modes and owners of the files, never their mtimes.
func (s *stage) copy(cs copySpec) error {
	b := s.b
	verb := "COPY"
	if cs.add {
		verb = "ADD"
	}
	root, srcID, release, err := s.copyRoot(cs.from)
	if err != nil {
		return err
	}
	defer release()
	uid, gid, err := s.owner(cs.chown)
	if err != nil {
		return err
	}
	var mode *os.FileMode
	if cs.chmod != "" {
		m, err := strconv.ParseUint(cs.chmod, 8, 32)
		if err != nil || m > 0o7777 {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid chmod parameter %q", cs.chmod))
		}
		fm := os.FileMode(m)
		mode = &fm
	}
	dest := cs.srcs.DestPath
	if !path.IsAbs(dest) {
		dest = path.Join("/", s.cfg.WorkingDir, dest) + map[bool]string{true: "/"}[strings.HasSuffix(dest, "/")]
	}
	if !strings.HasSuffix(dest, "/") {
		// A destination that is a directory in the image is copied into,
		// slash or not, as Docker's (WORKDIR /app then `COPY x .`).
		isDir, err := s.imageHasDir(dest)
		if err != nil {
			return err
		}
		if isDir {
			dest += "/"
		}
	}
	entries, err := collect(verb, root, cs, dest)
	if err != nil {
		return err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d:%d\x00%v\x00", verb, srcID, uid, gid, cs.chmod)
	for _, e := range entries {
		link := ""
		if e.fi != nil && e.fi.Mode()&os.ModeSymlink != 0 {
			link, _ = root.readlink(e.src)
		}
		sum := ""
		if e.fi != nil && e.fi.Mode().IsRegular() {
			// An image's files are named by its ID; the context's were
			// hashed as they arrived.
			if sum, _ = root.sum(e.src); sum == "" && srcID == "" {
				if sum, err = hashFile(root, e.src); err != nil {
					return err
				}
			}
		} else if e.fi == nil {
			sum = e.data
		}
		var m os.FileMode
		var size int64
		if e.fi != nil {
			m, size = e.fi.Mode(), e.fi.Size()
		}
		fmt.Fprintf(h, "%s\x00%v\x00%d\x00%s\x00%s\x00%v\n", e.name, m, size, link, sum, e.archive)
	}
	k, hit := s.cached("copy\x00" + hex.EncodeToString(h.Sum(nil)))
	if hit {
		return nil
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeLayer(pw, root, entries, uid, gid, mode)) }()
	img, err := b.be.Commit(b.ctx, CommitRequest{Parent: s.img, Layer: pr, Config: s.cfg, CreatedBy: "/bin/sh -c #(nop) " + cs.text})
	pr.Close()
	if err != nil {
		return err
	}
	return s.made(k, img)
}

// copyRoot is where COPY's sources are read: the context, or the files of
// a stage or image (--from). srcID names the latter's content for the
// cache: an image ID is the digest of what Berth stored itself.
func (s *stage) copyRoot(from string) (root srcFS, srcID string, release func(), err error) {
	b := s.b
	if from == "" {
		return b.bc, "", func() {}, nil
	}
	var img Image
	if j, ok := b.df.stageIndex(from, s.index); ok {
		img = b.done[j]
	} else if img, err = b.resolve(from, s.out); err != nil {
		return nil, "", nil, err
	}
	dir, rel, err := b.be.View(b.ctx, img)
	if err != nil {
		return nil, "", nil, err
	}
	return dirFS{dir}, "image:" + img.ID, rel, nil
}

// collect lists what the COPY adds, sorted by name.
func collect(verb string, root srcFS, cs copySpec, dest string) ([]copyEntry, error) {
	var matches []string
	for _, src := range cs.srcs.SourcePaths {
		if strings.Contains(src, "://") {
			return nil, errdefs.ErrNotImplemented.WithMessage("ADD from a URL is not supported: " + src)
		}
		found, err := secureGlob(root, src)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		if len(found) == 0 {
			return nil, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("%s failed: file not found in build context or excluded by .dockerignore: stat %s: file does not exist", verb, src))
		}
		matches = append(matches, found...)
	}
	intoDir := strings.HasSuffix(dest, "/") || len(matches)+len(cs.srcs.SourceContents) > 1
	dest = strings.TrimPrefix(path.Clean(dest), "/")
	var entries []copyEntry
	for _, m := range matches {
		fi, err := root.lstat(m)
		if err != nil {
			return nil, err
		}
		switch {
		case fi.IsDir():
			err = walk(root, m, func(p string, fi os.FileInfo) error {
				name := path.Join(dest, strings.TrimPrefix(strings.TrimPrefix(p, m), "/"))
				if name == "." {
					name = ""
				}
				entries = append(entries, copyEntry{src: p, name: name, fi: fi})
				return nil
			})
			if err != nil {
				return nil, err
			}
		case cs.add && fi.Mode().IsRegular() && isArchive(root, m):
			entries = append(entries, copyEntry{src: m, name: dest, fi: fi, archive: true})
		default:
			name := dest
			if intoDir {
				name = path.Join(dest, path.Base(m))
			}
			entries = append(entries, copyEntry{src: m, name: name, fi: fi})
		}
	}
	for _, c := range cs.srcs.SourceContents {
		name := dest
		if intoDir {
			name = path.Join(dest, path.Base(c.Path))
		}
		entries = append(entries, copyEntry{name: name, data: c.Data})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	return entries, nil
}

func hashFile(root srcFS, p string) (string, error) {
	f, err := root.open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// isArchive tells whether ADD should unpack p: a tar, possibly compressed.
func isArchive(root srcFS, p string) bool {
	f, err := root.open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	r, err := readTar(f)
	if err != nil {
		return false
	}
	_, err = tar.NewReader(r).Next()
	return err == nil
}

// writeLayer writes the entries as a layer tar owned by uid:gid.
func writeLayer(w io.Writer, root srcFS, entries []copyEntry, uid, gid int, mode *os.FileMode) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		if e.name == "" {
			continue
		}
		var err error
		switch {
		case e.fi == nil:
			err = writeInline(tw, e, uid, gid, mode)
		case e.archive:
			err = writeArchive(tw, root, e)
		default:
			err = writeFile(tw, root, e, uid, gid, mode)
		}
		if err != nil {
			return err
		}
	}
	return tw.Close()
}

func writeInline(tw *tar.Writer, e copyEntry, uid, gid int, mode *os.FileMode) error {
	m := int64(0o644)
	if mode != nil {
		m = int64(*mode)
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: m, Size: int64(len(e.data)), Uid: uid, Gid: gid, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := io.WriteString(tw, e.data)
	return err
}

func writeFile(tw *tar.Writer, root srcFS, e copyEntry, uid, gid int, mode *os.FileMode) error {
	link := ""
	if e.fi.Mode()&os.ModeSymlink != 0 {
		l, err := root.readlink(e.src)
		if err != nil {
			return err
		}
		link = l
	}
	hdr, err := tar.FileInfoHeader(e.fi, link)
	if err != nil {
		return err
	}
	hdr.Name, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = e.name, uid, gid, "", ""
	hdr.Format = tar.FormatPAX
	hdr.AccessTime, hdr.ChangeTime = time0, time0
	if mode != nil && link == "" {
		hdr.Mode = int64(*mode)
	}
	if e.fi.IsDir() {
		hdr.Name += "/"
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if !e.fi.Mode().IsRegular() {
		return nil
	}
	f, err := root.open(e.src)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyN(tw, f, hdr.Size)
	return err
}

// writeArchive copies the entries of a local tar (ADD) under e.name,
// keeping their owners and modes as the archive has them.
func writeArchive(tw *tar.Writer, root srcFS, e copyEntry) error {
	f, err := root.open(e.src)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := readTar(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unpacking %s: %v", path.Base(e.src), err))
		}
		rel := path.Clean("/" + hdr.Name)[1:]
		if rel == "" {
			continue
		}
		hdr.Name = path.Join(e.name, rel)
		if hdr.Typeflag == tar.TypeLink {
			hdr.Linkname = path.Join(e.name, path.Clean("/" + hdr.Linkname)[1:])
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return err
		}
	}
}
