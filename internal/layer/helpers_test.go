package layer

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/containerd/errdefs"
)

// item is one tar entry for a test archive; body is the content of a regular file.
type item struct {
	tar.Header
	body string
}

func file(name, body string) item {
	return item{Header: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(body)),
		ModTime: testTime}, body: body}
}

func dirItem(name string) item {
	return item{Header: tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: testTime}}
}

func symlink(name, target string) item {
	return item{Header: tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, ModTime: testTime}}
}

func hardlink(name, target string) item {
	return item{Header: tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target, ModTime: testTime}}
}

var testTime = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)

func buildTar(t *testing.T, items ...item) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, it := range items {
		hdr := it.Header
		if hdr.Format == tar.FormatUnknown {
			hdr.Format = tar.FormatPAX
		}
		if err := tw.WriteHeader(&hdr); err != nil {
			t.Fatalf("write header %q: %v", hdr.Name, err)
		}
		if _, err := tw.Write([]byte(it.body)); err != nil {
			t.Fatalf("write body %q: %v", hdr.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sandbox is a layer directory with an empty sibling, "outside", that plays the host:
// escaping archives aim at it, and every test checks it stays empty.
type sandbox struct {
	dir, outside string
}

func newSandbox(t *testing.T) sandbox {
	t.Helper()
	base := t.TempDir()
	s := sandbox{dir: filepath.Join(base, "layer"), outside: filepath.Join(base, "outside")}
	for _, d := range []string{s.dir, s.outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { s.assertOutsideUntouched(t) })
	return s
}

func (s sandbox) apply(t *testing.T, items ...item) (int64, error) {
	t.Helper()
	return Apply(context.Background(), s.dir, bytes.NewReader(buildTar(t, items...)))
}

func (s sandbox) mustApply(t *testing.T, items ...item) int64 {
	t.Helper()
	n, err := s.apply(t, items...)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return n
}

func (s sandbox) assertOutsideUntouched(t *testing.T) {
	t.Helper()
	entries, err := os.ReadDir(s.outside)
	if err != nil {
		t.Errorf("outside dir: %v", err)
		return
	}
	for _, e := range entries {
		if e.Name() != "victim" {
			t.Errorf("entry escaped the layer: %s", filepath.Join(s.outside, e.Name()))
		}
	}
}

func (s sandbox) path(rel string) string { return filepath.Join(s.dir, rel) }

func assertInvalid(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("Apply succeeded, want an invalid-argument error")
	}
	if !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Fatalf("error %q is not an invalid argument", err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hostFile records a host file's identity so a test can prove the archive left it alone.
type hostFile struct {
	path string
	info os.FileInfo
	body string
}

func snapshotHost(t *testing.T, p string) hostFile {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return hostFile{path: p, info: info, body: readFile(t, p)}
}

func (h hostFile) assertUnchanged(t *testing.T) {
	t.Helper()
	now := snapshotHost(t, h.path)
	if now.body != h.body || now.info.ModTime() != h.info.ModTime() ||
		nlink(now.info) != nlink(h.info) || now.info.Mode() != h.info.Mode() {
		t.Errorf("host file %s was changed by the archive", h.path)
	}
}

func applyBytes(dir string, b []byte) (int64, error) {
	return Apply(context.Background(), dir, bytes.NewReader(b))
}

// whiteoutHdr is a whiteout entry as image builders write it: an empty regular file.
func whiteoutHdr(name string) tar.Header {
	return tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o600, ModTime: testTime}
}
