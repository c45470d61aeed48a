package integration

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// manyLayers is past the ~45 layers at which a lowerdir list under a test
// daemon's data root no longer fits the one page of legacy mount options.
const manyLayers = 60

// TestManyLayers runs and builds on an image of 61 layers (busybox and 60
// small ones): its root filesystem and the builder's read-only view of it
// must both mount, and show the lowest and the highest layer's files.
func TestManyLayers(t *testing.T) {
	d := testutil.StartDaemon(t)
	testutil.LoadLayeredImage(t, d, "layered:latest", manyLayers)
	low, high := testutil.LayeredFile(1), testutil.LayeredFile(manyLayers)
	want := testutil.LayeredContent(1) + testutil.LayeredContent(manyLayers)

	t.Run("run", func(t *testing.T) {
		if got := docker(t, d, "run", "--rm", "layered", "cat", low, high); got != want {
			t.Errorf("run printed %q, want %q", got, want)
		}
	})

	t.Run("build", func(t *testing.T) {
		// RUN goes through a container's root filesystem; COPY --from an
		// image and COPY --chown with names read the builder's view.
		dockerfile := "FROM layered\n" +
			"RUN cat " + low + " " + high + " > /seen\n" +
			"COPY --from=layered " + low + " " + high + " /copied/\n" +
			"COPY --chown=nobody:nobody note /note\n"
		buildCtx := testutil.LayerTar(t, map[string]string{"Dockerfile": dockerfile, "note": "hi\n"})
		res, err := d.Client().ImageBuild(t.Context(), bytes.NewReader(buildCtx), client.ImageBuildOptions{
			Tags: []string{"layered-built"}, Version: build.BuilderV1, Remove: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		lines, err := readStream(t, res.Body)
		if err != nil {
			t.Fatalf("build: %v\n%s", err, strings.Join(lines, "\n"))
		}
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "Successfully built ") }) {
			t.Fatalf("build did not finish: %q", lines)
		}
		got := docker(t, d, "run", "--rm", "layered-built", "sh", "-c",
			"cat /seen /copied/001 /copied/060 && stat -c %U:%G /note")
		if wantAll := want + want + "nobody:nobody\n"; got != wantAll {
			t.Errorf("built image shows %q, want %q", got, wantAll)
		}
	})
}
