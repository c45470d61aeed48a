package images

import (
	"context"
	"testing"

	"github.com/berth/berth/internal/filters"
	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

const (
	runningID = "1111111111111111111111111111111111111111111111111111111111111111"
	stoppedID = "2222222222222222222222222222222222222222222222222222222222222222"
)

func TestImageDeleteRefusesImagesInUse(t *testing.T) {
	ctx := context.Background()
	users := fakeUsers{}
	s := testService(t, users)
	id := importTar(t, s, "a", "a:1")
	short := id.Encoded()[:12]

	users[id] = struct{ running, stopped []string }{stopped: []string{stoppedID}}
	_, err := s.ImageDelete(ctx, "a:1", false, false)
	want := `conflict: unable to remove repository reference "a:1" (must force) - container 222222222222 is using its referenced image ` + short
	if !errdefs.IsConflict(err) || err.Error() != want {
		t.Fatalf("rmi of the only name of a used image: %v; want conflict %q", err, want)
	}
	_, err = s.ImageDelete(ctx, id.String(), false, false)
	want = "conflict: unable to delete " + short + " (must be forced) - image is being used by stopped container 222222222222"
	if !errdefs.IsConflict(err) || err.Error() != want {
		t.Fatalf("rmi by ID of an image a stopped container uses: %v; want conflict %q", err, want)
	}

	users[id] = struct{ running, stopped []string }{running: []string{runningID}}
	_, err = s.ImageDelete(ctx, id.String(), true, false)
	want = "conflict: unable to delete " + short + " (cannot be forced) - image is being used by running container 111111111111"
	if !errdefs.IsConflict(err) || err.Error() != want {
		t.Fatalf("forced rmi by ID of an image a running container uses: %v; want conflict %q", err, want)
	}

	// Forced, the name goes and the image stays for its container.
	out, err := s.ImageDelete(ctx, "a:1", true, false)
	if err != nil || len(out) != 1 || out[0].Untagged != "a:1" {
		t.Fatalf("forced rmi a:1 = %+v, %v; want only Untagged a:1", out, err)
	}
	if _, err := s.images.Get(id); err != nil {
		t.Fatalf("the image went with its last name while a container uses it: %v", err)
	}
}

func TestImageDeleteNamesAndStorage(t *testing.T) {
	ctx := context.Background()
	s := testService(t, fakeUsers{})
	id := importTar(t, s, "a", "a:1")
	if err := s.TagImage(ctx, "a:1", "b", "1"); err != nil {
		t.Fatal(err)
	}
	_, err := s.ImageDelete(ctx, id.String(), false, false)
	if !errdefs.IsConflict(err) || err.Error() != "conflict: unable to delete "+id.Encoded()[:12]+" (must be forced) - image is referenced in multiple repositories" {
		t.Fatalf("rmi by ID of an image in two repositories: %v", err)
	}
	// A name shared with another goes alone.
	out, err := s.ImageDelete(ctx, "b:1", false, false)
	if err != nil || len(out) != 1 || out[0].Untagged != "b:1" {
		t.Fatalf("rmi b:1 = %+v, %v; want only Untagged b:1", out, err)
	}
	// The last name takes the image, its config, layer tar and tree along.
	out, err = s.ImageDelete(ctx, "a:1", false, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 || out[0].Untagged != "a:1" || out[1].Deleted != id.String() || out[2].Deleted == "" {
		t.Fatalf("rmi a:1 = %+v; want Untagged a:1, Deleted the image and its layer", out)
	}
	if blobs, layers := blobsAndLayers(t, s); blobs+layers != 0 {
		t.Fatalf("%d blobs and %d layer trees left after the last image went", blobs, layers)
	}
	if _, err := s.ImageDelete(ctx, "a:1", false, false); !errdefs.IsNotFound(err) {
		t.Fatalf("rmi of a deleted image: %v; want not found", err)
	}
}

func TestImagesPruneLeavesUsedAndTaggedImages(t *testing.T) {
	ctx := context.Background()
	users := fakeUsers{}
	s := testService(t, users)
	used := importTar(t, s, "used", "")
	unused := importTar(t, s, "unused", "")
	tagged := importTar(t, s, "tagged", "t:1")
	users[used] = struct{ running, stopped []string }{stopped: []string{stoppedID}}

	rep, err := s.ImagesPrune(ctx, filters.Args{})
	if err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, d := range rep.ImagesDeleted {
		if d.Deleted != "" {
			deleted = append(deleted, d.Deleted)
		}
	}
	if len(deleted) != 2 || deleted[0] != unused.String() {
		t.Fatalf("prune deleted %v; want %s and its layer", deleted, unused)
	}
	if rep.SpaceReclaimed == 0 {
		t.Error("prune reclaimed no space")
	}
	for _, id := range []digest.Digest{used, tagged} {
		if _, err := s.images.Get(id); err != nil {
			t.Errorf("prune removed %s: %v", id, err)
		}
	}
	if _, err := s.ImagesPrune(ctx, filters.New([2]string{"dangling", "nope"})); !errdefs.IsInvalidArgument(err) {
		t.Errorf("dangling=nope: %v; want invalid argument", err)
	}
}
