package layer

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/klauspost/compress/zstd"
)

func gzipBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecompressDetects(t *testing.T) {
	// A plain tar whose first name looks like a bzip2 header must stay plain.
	plain := buildTar(t, file("BZh9-looks-compressed", "payload"), file("b", "bb"))
	for name, stream := range map[string][]byte{
		"plain": plain, "gzip": gzipBytes(t, plain), "zstd": zstdBytes(t, plain),
	} {
		t.Run(name, func(t *testing.T) {
			rc, err := Decompress(bytes.NewReader(stream))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			if err := rc.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, plain) {
				t.Fatalf("decompressed %d bytes, want the %d-byte tar", len(got), len(plain))
			}
		})
	}
}

func TestDecompressThenApply(t *testing.T) {
	s := newSandbox(t)
	rc, err := Decompress(bytes.NewReader(zstdBytes(t, buildTar(t, file("etc/hostname", "box")))))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := Apply(context.Background(), s.dir, rc); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, s.path("etc/hostname")); got != "box" {
		t.Fatalf("etc/hostname = %q", got)
	}
}

func TestDecompressTruncatedGzip(t *testing.T) {
	s := newSandbox(t)
	z := gzipBytes(t, buildTar(t, file("a", string(make([]byte, 100000)))))
	rc, err := Decompress(bytes.NewReader(z[:len(z)/2]))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	_, err = Apply(context.Background(), s.dir, rc)
	assertInvalid(t, err)
}

func TestDecompressXZRefused(t *testing.T) {
	_, err := Decompress(bytes.NewReader([]byte{0xfd, '7', 'z', 'X', 'Z', 0x00, 0, 0, 0, 0}))
	if !errors.Is(err, errdefs.ErrNotImplemented) {
		t.Fatalf("err = %v, want not implemented", err)
	}
}

func TestDecompressBadGzip(t *testing.T) {
	_, err := Decompress(bytes.NewReader([]byte{0x1f, 0x8b, 0xff}))
	if !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Fatalf("err = %v, want invalid argument", err)
	}
}
