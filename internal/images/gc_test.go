package images

import (
	"context"
	"github.com/berth/berth/internal/backend"
	"strings"
	"testing"
)

func TestCollectGarbageKeepsWhatImagesReference(t *testing.T) {
	ctx := context.Background()
	s := testService(t, fakeUsers{})
	importTar(t, s, "kept", "kept:1")
	blobs, layers := blobsAndLayers(t, s)
	if blobs != 2 || layers != 1 {
		t.Fatalf("an imported image is %d blobs and %d trees; want config and layer tar, one tree", blobs, layers)
	}
	// What an interrupted pull or load leaves: a blob and a tree no image names.
	if _, _, err := s.content.Ingest(ctx, strings.NewReader("orphan")); err != nil {
		t.Fatal(err)
	}
	orphan := importTar(t, s, "orphan", "")
	if err := s.images.Delete(orphan); err != nil {
		t.Fatal(err)
	}

	res, err := s.CollectGarbage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The orphan blob, and the deleted image's config, layer tar and tree.
	if res.Blobs != 3 || len(res.Layers) != 1 || res.Reclaimed == 0 {
		t.Fatalf("collection freed %+v; want 3 blobs and 1 tree", res)
	}
	if blobs, layers := blobsAndLayers(t, s); blobs != 2 || layers != 1 {
		t.Fatalf("after collection %d blobs and %d trees; want the kept image's 2 and 1", blobs, layers)
	}
	if _, err := s.ImageInspect(ctx, "kept:1", backend.ImageInspectOptions{}); err != nil {
		t.Fatalf("the kept image broke: %v", err)
	}
}
