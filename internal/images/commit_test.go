package images

import (
	"archive/tar"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/berth/berth/internal/image"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/opencontainers/go-digest"
)

func TestEmptyLayerDigest(t *testing.T) {
	var buf bytes.Buffer
	tar.NewWriter(&buf).Close()
	if got := digest.FromBytes(buf.Bytes()); got != emptyLayer {
		t.Fatalf("empty tar is %s, want %s", got, emptyLayer)
	}
}

func TestCommitImage(t *testing.T) {
	ctx := context.Background()
	s := testService(t, fakeUsers{})
	parentID := importTar(t, s, "base", "")
	parent, err := s.images.Get(parentID)
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.ImageConfig(ctx, parentID)
	if err != nil {
		t.Fatal(err)
	}
	commit := func(layer []byte, ref reference.Named) *dockerspec.DockerOCIImage {
		t.Helper()
		id, err := s.CommitImage(ctx, CommitRequest{
			Parent: parent, Base: base, Layer: bytes.NewReader(layer),
			Config: dockerspec.DockerOCIImageConfig{ImageConfig: base.Config.ImageConfig},
			Author: "me", Comment: "why", CreatedBy: "sh -c true", Ref: ref,
		})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := s.images.Get(id)
		if err != nil || rec.Parent != parentID {
			t.Fatalf("committed record %+v, %v; want parent %s", rec, err, parentID)
		}
		img, err := s.ImageConfig(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}

	// No changes: no layer, only a history entry that says so.
	var empty bytes.Buffer
	tar.NewWriter(&empty).Close()
	img := commit(empty.Bytes(), nil)
	if len(img.RootFS.DiffIDs) != 1 || img.RootFS.DiffIDs[0] != parent.DiffIDs[0] {
		t.Errorf("an empty commit has layers %v; want the parent's %v", img.RootFS.DiffIDs, parent.DiffIDs)
	}
	last := img.History[len(img.History)-1]
	if len(img.History) != 2 || !last.EmptyLayer || last.Author != "me" || last.Comment != "why" || last.CreatedBy != "sh -c true" || img.Author != "me" {
		t.Errorf("history of an empty commit: %+v (author %q)", img.History, img.Author)
	}

	// Changes: one more layer, named when asked.
	var changed bytes.Buffer
	tw := tar.NewWriter(&changed)
	tw.WriteHeader(&tar.Header{Name: "new", Mode: 0o644, Size: 3, Typeflag: tar.TypeReg})
	tw.Write([]byte("new"))
	tw.Close()
	ref, _ := image.ParseReference("committed:1")
	img = commit(changed.Bytes(), ref)
	if len(img.RootFS.DiffIDs) != 2 || img.History[len(img.History)-1].EmptyLayer {
		t.Errorf("a commit with changes has layers %v and history %+v; want two layers", img.RootFS.DiffIDs, img.History)
	}
	if _, err := s.images.Lookup(ref); err != nil {
		t.Errorf("committed:1: %v", err)
	}
}

func TestImportReference(t *testing.T) {
	for _, c := range []struct{ repo, tag, want, err string }{
		{"", "", "", ""},
		{"a", "", "docker.io/library/a:latest", ""},
		{"a", "v1", "docker.io/library/a:v1", ""},
		{"localhost:5000/a:x", "", "localhost:5000/a:x", ""},
		{"a@sha256:" + strings.Repeat("0", 64), "", "", "cannot import digest reference"},
		{"A", "", "", "invalid reference format: repository name (library/A) must be lowercase"},
	} {
		ref, err := ImportReference(c.repo, c.tag)
		got := ""
		if ref != nil {
			got = ref.String()
		}
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && err.Error() != c.err) {
			t.Errorf("ImportReference(%q, %q) = %q, %v; want %q, %q", c.repo, c.tag, got, err, c.want, c.err)
		}
	}
}
