package imagearchive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// memStore is an in-memory content store: the Ingester for Read and the Provider for Write.
type memStore struct {
	blobs map[digest.Digest][]byte
	sized bool // Open returns readers that know their size (as *os.File does)
}

func newMemStore() *memStore { return &memStore{blobs: map[digest.Digest][]byte{}} }

func (m *memStore) Ingest(_ context.Context, r io.Reader) (digest.Digest, int64, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return "", 0, err
	}
	d := digest.FromBytes(data)
	m.blobs[d] = data
	return d, int64(len(data)), nil
}

type sizedReader struct{ *bytes.Reader }

func (sizedReader) Close() error { return nil }

func (m *memStore) Open(_ context.Context, d digest.Digest) (io.ReadCloser, error) {
	data, ok := m.blobs[d]
	if !ok {
		return nil, fmt.Errorf("blob %s: %w", d, errdefs.ErrNotFound)
	}
	if m.sized {
		return sizedReader{bytes.NewReader(data)}, nil
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// put stores data and returns its digest.
func (m *memStore) put(data []byte) digest.Digest {
	d := digest.FromBytes(data)
	m.blobs[d] = data
	return d
}

// entry is one member of a hand-built tarball.
type entry struct {
	name string
	body []byte
	link string // target of a symlink (typ tar.TypeSymlink) or hardlink (tar.TypeLink)
	typ  byte   // 0 means a regular file
}

func buildTar(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: e.typ, Linkname: e.link, ModTime: time.Unix(1, 0)}
		if e.typ == 0 {
			hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// layerTar returns an uncompressed layer holding one file.
func layerTar(t *testing.T, file, content string) []byte {
	return buildTar(t, entry{name: file, body: []byte(content)})
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// configJSON returns an image config listing diffIDs; note varies the bytes (so the image ID).
func configJSON(t *testing.T, note string, diffIDs ...digest.Digest) []byte {
	t.Helper()
	cfg := ocispec.Image{
		Platform: ocispec.Platform{OS: "linux", Architecture: "amd64"},
		Config:   ocispec.ImageConfig{Cmd: []string{"sh"}, Labels: map[string]string{"note": note}},
		RootFS:   ocispec.RootFS{Type: "layers", DiffIDs: diffIDs},
	}
	return mustJSON(t, cfg)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readTar returns the members of a tarball by name, failing on a duplicate name.
func readTar(t *testing.T, data []byte) (map[string][]byte, []*tar.Header) {
	t.Helper()
	files := map[string][]byte{}
	var hdrs []*tar.Header
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files, hdrs
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := files[hdr.Name]; dup {
			t.Errorf("entry %s written twice", hdr.Name)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[hdr.Name] = body
		hdrs = append(hdrs, hdr)
	}
}

func readArchive(t *testing.T, data []byte) ([]Image, *memStore) {
	t.Helper()
	store := newMemStore()
	images, err := Read(context.Background(), bytes.NewReader(data), store)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return images, store
}
