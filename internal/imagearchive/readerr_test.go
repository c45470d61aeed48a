package imagearchive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

func TestReadErrors(t *testing.T) {
	store := newMemStore()
	images := twoImages(t, store)
	good := write(t, images, store)
	// A layer is not JSON, so its truncation is met inside Ingest rather than in the scan.
	inLayer := bytes.Index(good, store.blobs[images[0].Layers[0]]) + 100
	cfgData := configJSON(t, "x")
	cfg := digest.FromBytes(cfgData)
	garbage := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(garbage)

	for _, tc := range []struct {
		name    string
		archive []byte
		words   string // the error must name the problem
	}{
		{"empty", nil, "no manifest.json nor index.json"},
		{"garbage", garbage, "not a tar archive"},
		{"cut inside a header", good[:1500], "reading tar: truncated archive: unexpected EOF"},
		{"cut inside a config", good[:512+512+512+100], "truncated archive: unexpected EOF"},
		{"cut inside a layer", good[:inLayer], "truncated archive: unexpected EOF"},
		{"no metadata", buildTar(t, entry{name: "x/layer.tar", body: []byte("data")}), "no manifest.json nor index.json"},
		{"missing layer", buildTar(t,
			entry{name: "c.json", body: cfgData},
			entry{name: "manifest.json", body: []byte(`[{"Config":"c.json","Layers":["gone/layer.tar"]}]`)},
		), `layer "gone/layer.tar" is missing`},
		{"missing config", buildTar(t,
			entry{name: "manifest.json", body: []byte(`[{"Config":"c.json","Layers":[]}]`)},
		), `config "c.json" is missing`},
		{"dangling symlink", buildTar(t,
			entry{name: "c.json", body: cfgData},
			entry{name: "l/layer.tar", link: "../nowhere/layer.tar", typ: '2'},
			entry{name: "manifest.json", body: []byte(`[{"Config":"c.json","Layers":["l/layer.tar"]}]`)},
		), `layer "l/layer.tar" is missing`},
		{"symlink loop", buildTar(t,
			entry{name: "c.json", body: cfgData},
			entry{name: "a", link: "b", typ: '2'},
			entry{name: "b", link: "a", typ: '2'},
			entry{name: "manifest.json", body: []byte(`[{"Config":"c.json","Layers":["a"]}]`)},
		), `layer "a" is missing`},
		{"blob name mismatch", buildTar(t,
			entry{name: "blobs/sha256/" + hex64('0'), body: cfgData},
		), "blobs/sha256/" + hex64('0') + ": content digest is " + cfg.String()},
		{"bad manifest.json", buildTar(t, entry{name: "manifest.json", body: []byte(`{"not":"a list"}`)}), "parsing manifest.json"},
		{"missing OCI manifest", buildTar(t,
			entry{name: "index.json", body: []byte(`{"schemaVersion":2,"manifests":[{"digest":"` + cfg.String() + `"}]}`)},
		), "blob " + cfg.String() + " is missing"},
		{"missing OCI config", buildTar(t,
			entry{name: "blobs/sha256/" + digest.FromString(manifestOf(cfg)).Encoded(), body: []byte(manifestOf(cfg))},
			entry{name: "index.json", body: []byte(`{"schemaVersion":2,"manifests":[{"digest":"` +
				digest.FromString(manifestOf(cfg)).String() + `"}]}`)},
		), "config " + cfg.String() + " of manifest"},
		{"oversized metadata", buildTar(t, entry{name: "index.json", body: make([]byte, maxMetadata+1)}), "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(context.Background(), bytes.NewReader(tc.archive), newMemStore())
			if !errors.Is(err, errdefs.ErrInvalidArgument) {
				t.Fatalf("Read: %v, want an invalid argument", err)
			}
			t.Log(err)
			if !strings.Contains(err.Error(), tc.words) {
				t.Errorf("Read: %q does not say %q", err, tc.words)
			}
		})
	}
}

func manifestOf(cfg digest.Digest) string {
	return `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",` +
		`"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"` + cfg.String() + `","size":2},"layers":[]}`
}

// failingIngester is a store that breaks: its errors are Berth's, not the archive's.
type failingIngester struct{}

func (failingIngester) Ingest(context.Context, io.Reader) (digest.Digest, int64, error) {
	return "", 0, errors.New("disk full")
}

func TestReadStoreErrorIsNotInvalid(t *testing.T) {
	store := newMemStore()
	good := write(t, twoImages(t, store), store)
	_, err := Read(context.Background(), bytes.NewReader(good), failingIngester{})
	if err == nil || errors.Is(err, errdefs.ErrInvalidArgument) || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Read: %v, want the store's own error", err)
	}
}

func TestReadCancelled(t *testing.T) {
	store := newMemStore()
	good := write(t, twoImages(t, store), store)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, bytes.NewReader(good), newMemStore()); !errors.Is(err, context.Canceled) {
		t.Errorf("Read: %v, want context.Canceled", err)
	}
}
