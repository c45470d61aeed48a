package imagearchive

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// blob is what the scan remembers of one regular file it ingested.
type blob struct {
	digest digest.Digest
	size   int64
	sniff  string // layer media type guessed from the first bytes
}

// scan is everything one pass over the tarball learns. Entries may come in any order, so the
// archive is only interpreted once the pass is over.
type scan struct {
	files map[string]blob          // cleaned path → ingested file
	links map[string]string        // cleaned path → cleaned path it aliases
	meta  map[string][]byte        // top-level metadata files by name
	json  map[digest.Digest][]byte // small JSON blobs, kept to parse manifests and indexes
}

// metadataFiles are read into memory, never ingested.
var metadataFiles = map[string]bool{
	manifestFile:            true,
	repositoriesFile:        true,
	ocispec.ImageIndexFile:  true,
	ocispec.ImageLayoutFile: true,
}

// cleanName turns a tar entry name into the form manifests use: relative, no "./", no "/".
func cleanName(name string) string {
	return strings.TrimPrefix(path.Clean("/"+name), "/")
}

// scanTar streams the tarball once, ingesting every file that may be a blob.
func scanTar(ctx context.Context, r io.Reader, ing Ingester) (*scan, error) {
	s := &scan{
		files: map[string]blob{},
		links: map[string]string{},
		meta:  map[string][]byte{},
		json:  map[digest.Digest][]byte{},
	}
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return nil, invalidf("reading tar: %v", tarError(err))
		}
		name := cleanName(hdr.Name)
		switch hdr.Typeflag {
		case tar.TypeSymlink:
			target := hdr.Linkname
			if !path.IsAbs(target) {
				target = path.Join(path.Dir(name), target)
			}
			s.links[name] = cleanName(target)
		case tar.TypeLink:
			s.links[name] = cleanName(hdr.Linkname)
		case tar.TypeReg:
			if err := s.file(ctx, name, hdr.Size, tr, ing); err != nil {
				return nil, err
			}
		}
	}
}

// tarError gives the reason a tar stream failed in the words a user expects.
func tarError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated archive: unexpected EOF")
	}
	if errors.Is(err, tar.ErrHeader) {
		return errors.New("not a tar archive: invalid tar header")
	}
	return err
}

// file handles one regular file of the archive.
func (s *scan) file(ctx context.Context, name string, size int64, tr io.Reader, ing Ingester) error {
	src := &recordingReader{r: tr}
	if metadataFiles[name] {
		if size > maxMetadata {
			return invalidf("%s is too large (%d bytes)", name, size)
		}
		data, err := io.ReadAll(src)
		if err != nil {
			return invalidf("reading %s: %v", name, tarError(err))
		}
		s.meta[name] = data
		return nil
	}
	if legacyLayerMetadata(name) {
		return nil
	}

	br := bufio.NewReader(src)
	head, _ := br.Peek(4)
	var kept []byte
	body := io.Reader(br)
	if len(head) > 0 && head[0] == '{' && size <= maxMetadata {
		data, err := io.ReadAll(br)
		if err != nil {
			return invalidf("reading %s: %v", name, tarError(err))
		}
		kept, body = data, bytes.NewReader(data)
	}
	dgst, n, err := ing.Ingest(ctx, body)
	if err != nil {
		if src.err != nil && src.err != io.EOF {
			return invalidf("reading %s: %v", name, tarError(src.err))
		}
		return err
	}
	if n != size {
		return invalidf("%s: stored %d bytes, tar header says %d", name, n, size)
	}
	if want, ok := blobPathDigest(name); ok && want != dgst {
		return invalidf("%s: content digest is %s, not the one its name says", name, dgst)
	}
	s.files[name] = blob{digest: dgst, size: n, sniff: sniffLayer(head)}
	if kept != nil {
		s.json[dgst] = kept
	}
	return nil
}

// legacyLayerMetadata reports the per-layer "<id>/json" and "<id>/VERSION" files of the legacy
// format: Docker ≥1.10 ignores them on load and they are never blobs.
func legacyLayerMetadata(name string) bool {
	dir, base := path.Split(name)
	return strings.Count(dir, "/") == 1 && dir != "blobs/" && (base == "json" || base == "VERSION")
}

// blobPathDigest returns the digest a "blobs/<alg>/<hex>" path promises.
func blobPathDigest(name string) (digest.Digest, bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 3 || parts[0] != ocispec.ImageBlobsDir {
		return "", false
	}
	d := digest.NewDigestFromEncoded(digest.Algorithm(parts[1]), parts[2])
	return d, d.Validate() == nil
}

// sniffLayer guesses a layer's media type from its magic number, for archives that do not say.
func sniffLayer(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return MediaTypeDockerLayerGzip
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return ocispec.MediaTypeImageLayerZstd
	}
	return MediaTypeDockerLayer
}

// recordingReader remembers the first error of the tar stream, so a failed Ingest can tell a
// truncated archive (the client's fault) from a failing store (ours).
type recordingReader struct {
	r   io.Reader
	err error
}

func (rr *recordingReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && rr.err == nil {
		rr.err = err
	}
	return n, err
}

// lookup finds the ingested file at name, following links (the legacy format aliases shared
// layers with symlinks). It reports false when no file is there.
func (s *scan) lookup(name string) (blob, bool) {
	name = cleanName(name)
	for range 16 {
		if b, ok := s.files[name]; ok {
			return b, true
		}
		target, ok := s.links[name]
		if !ok {
			return blob{}, false
		}
		name = target
	}
	return blob{}, false
}

// blobByDigest finds a blob of an OCI layout by its descriptor digest.
func (s *scan) blobByDigest(d digest.Digest) (blob, bool) {
	if d.Validate() != nil {
		return blob{}, false
	}
	return s.lookup(path.Join(ocispec.ImageBlobsDir, d.Algorithm().String(), d.Encoded()))
}
