package integration

import (
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// allImages lists every image ID, intermediates included.
func allImages(t *testing.T, d *testutil.Daemon) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, id := range nonEmptyLines(docker(t, d, "images", "-aq", "--no-trunc")) {
		out[id] = true
	}
	return out
}

// build runs a classic build of dockerfile tagged tag and fails on error.
func buildTagged(t *testing.T, d *testutil.Daemon, tag, dockerfile string) {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": dockerfile})
	if out, stderr, code := classicBuild(t, d, "-t", tag, dir); code != 0 {
		t.Fatalf("build %s: %d\n%s\n%s", tag, code, out, stderr)
	}
}

// TestImageDeletePrunesParents: removing a built image removes the
// intermediate images of its build that nothing else uses, unless
// --no-prune; `image prune` leaves the intermediates of tagged images
// alone and removes a dangling image together with its own.
func TestImageDeletePrunesParents(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	base := allImages(t, d)
	const steps = "FROM busybox\nRUN echo 1 > /a\nENV X=1\nRUN echo 2 > /b\n"

	buildTagged(t, d, "app", steps)
	if n := len(allImages(t, d)) - len(base); n != 3 {
		t.Fatalf("build made %d images, want 3 (two intermediates and app)", n)
	}
	out := docker(t, d, "rmi", "app")
	if got := allImages(t, d); len(got) != len(base) {
		t.Fatalf("after rmi: %d images, want the %d from before the build\n%s", len(got), len(base), out)
	}
	// Docker reports the removed layers too: three images, two layers.
	if n := strings.Count(out, "Deleted: "); n != 5 {
		t.Errorf("rmi reported %d deletions, want 5:\n%s", n, out)
	}

	buildTagged(t, d, "app", steps)
	docker(t, d, "rmi", "--no-prune", "app")
	if n := len(allImages(t, d)) - len(base); n != 2 {
		t.Fatalf("after rmi --no-prune: %d images beyond the base, want the 2 intermediates", n)
	}
	// The last intermediate is now dangling: prune takes it and the
	// one below it.
	docker(t, d, "image", "prune", "-f")
	if n := len(allImages(t, d)) - len(base); n != 0 {
		t.Fatalf("after prune: %d images beyond the base, want 0", n)
	}

	buildTagged(t, d, "app", steps)
	before := allImages(t, d)
	if out := docker(t, d, "image", "prune", "-f"); strings.Contains(out, "deleted: ") {
		t.Fatalf("prune removed the layers of a tagged image:\n%s", out)
	}
	if got := allImages(t, d); len(got) != len(before) {
		t.Fatalf("prune changed %d images to %d", len(before), len(got))
	}
	// A rebuild moves the tag: the old app dangles and goes, the
	// intermediates it shares with the new one stay.
	buildTagged(t, d, "app", strings.Replace(steps, "echo 2", "echo 3", 1))
	if n := len(allImages(t, d)) - len(before); n != 1 {
		t.Fatalf("rebuild added %d images, want 1", n)
	}
	docker(t, d, "image", "prune", "-f")
	if n := len(allImages(t, d)) - len(before); n != 0 {
		t.Fatalf("after prune: %d images more than before the rebuild, want 0 (the old app gone, the new one kept)", n)
	}
	if got := docker(t, d, "run", "--rm", "app", "cat", "/a", "/b"); got != "1\n3\n" {
		t.Fatalf("the new app reads %q", got)
	}

	// A parent cannot be removed by ID while images are built on it.
	parent := ""
	for _, img := range listImages(t, d, client.Filters{}.Add("reference", "app")) {
		parent = img.ParentID
	}
	if parent == "" {
		t.Fatal("app lists no parent")
	}
	msg := dockerFails(t, d, "rmi", "-f", parent)
	if !strings.Contains(msg, "image has dependent child images") {
		t.Fatalf("rmi of a parent: %s", msg)
	}

	// prune -a takes every image no container uses, intermediates too,
	// but not one a container was made from.
	docker(t, d, "create", "--name", "keep", "busybox", "true")
	docker(t, d, "image", "prune", "-af")
	if got := allImages(t, d); len(got) != 1 || !got[inspect(t, d, "busybox").ID] {
		t.Fatalf("after prune -a: %v, want only busybox (used by a container)", got)
	}
	docker(t, d, "rm", "keep")
}
