package images

import (
	"archive/tar"
	"bytes"
	"testing"

	"github.com/opencontainers/go-digest"
)

func TestEmptyLayerDigest(t *testing.T) {
	var buf bytes.Buffer
	tar.NewWriter(&buf).Close()
	if got := digest.FromBytes(buf.Bytes()); got != emptyLayer {
		t.Fatalf("empty tar is %s, want %s", got, emptyLayer)
	}
}
