package integration

import (
	"slices"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// TestVolumeCreateWithoutName checks that a volume the API creates without
// a name is anonymous, as Docker's: labelled com.docker.volume.anonymous,
// and removed by a default prune, which keeps named volumes.
func TestVolumeCreateWithoutName(t *testing.T) {
	d := testutil.StartDaemon(t)
	c := d.Client()
	anon, err := c.VolumeCreate(t.Context(), client.VolumeCreateOptions{Labels: map[string]string{"kind": "test"}})
	if err != nil {
		t.Fatal(err)
	}
	v := anon.Volume
	if len(v.Name) != 64 {
		t.Errorf("generated name %q, want 64 hex digits", v.Name)
	}
	if _, ok := v.Labels["com.docker.volume.anonymous"]; !ok || v.Labels["kind"] != "test" {
		t.Errorf("labels %v, want com.docker.volume.anonymous and kind=test", v.Labels)
	}
	if _, err := c.VolumeCreate(t.Context(), client.VolumeCreateOptions{Name: "named"}); err != nil {
		t.Fatal(err)
	}
	// The docker CLI's `volume create` without a name is anonymous too.
	cliName := strings.TrimSpace(docker(t, d, "volume", "create"))
	if got := docker(t, d, "volume", "ls", "-q", "--filter", "label=com.docker.volume.anonymous"); !slices.Equal(nonEmptyLines(got), sortedOf(v.Name, cliName)) {
		t.Errorf("anonymous volumes listed: %q, want %s and %s", got, v.Name, cliName)
	}
	res, err := c.VolumePrune(t.Context(), client.VolumePruneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Report.VolumesDeleted; !slices.Equal(sortedOf(got...), sortedOf(v.Name, cliName)) {
		t.Errorf("default prune removed %v, want the two anonymous volumes", got)
	}
	if got := strings.TrimSpace(docker(t, d, "volume", "ls", "-q")); got != "named" {
		t.Errorf("volumes after prune: %q, want only named", got)
	}
}

func sortedOf(s ...string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// TestVolumeSubpath mounts a volume's subpath: an empty one is filled from
// the image (the subpath, not the volume's root), and one whose link leads
// out of the volume is refused in Docker's words rather than confined.
func TestVolumeSubpath(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM busybox\nRUN mkdir /data && echo from-image > /data/f\n"})
	if out, stderr, code := classicBuild(t, d, "-t", "withdata:1", dir); code != 0 {
		t.Fatalf("build: %d %s %s", code, out, stderr)
	}
	docker(t, d, "run", "--rm", "-v", "sv:/v", "busybox", "sh", "-c", "mkdir /v/sub && ln -s /etc /v/abs && ln -s ../../../../.. /v/rel && ln -s sub /v/inside")

	if got := docker(t, d, "run", "--rm", "--mount", "type=volume,src=sv,dst=/data,volume-subpath=sub", "withdata:1", "cat", "/data/f"); got != "from-image\n" {
		t.Errorf("subpath copy-up: %q", got)
	}
	if got := docker(t, d, "run", "--rm", "-v", "sv:/v", "busybox", "sh", "-c", "ls /v; cat /v/sub/f"); got != "abs\ninside\nrel\nsub\nfrom-image\n" {
		t.Errorf("volume after the copy-up: %q, want the image's file in sub only", got)
	}
	// A link inside the volume is followed.
	if got := docker(t, d, "run", "--rm", "--mount", "type=volume,src=sv,dst=/data,volume-subpath=inside", "busybox", "cat", "/data/f"); got != "from-image\n" {
		t.Errorf("subpath through an inner link: %q", got)
	}
	for _, sub := range []string{"abs", "rel"} {
		stderr := dockerFails(t, d, "run", "--rm", "--mount", "type=volume,src=sv,dst=/data,volume-subpath="+sub, "busybox", "true")
		if !strings.Contains(stderr, "path concatenation escapes the base directory") || !strings.Contains(stderr, "subpath: "+sub) {
			t.Errorf("subpath %s escaping through a link: %q", sub, stderr)
		}
	}
	stderr := dockerFails(t, d, "run", "--rm", "--mount", "type=volume,src=sv,dst=/data,volume-subpath=missing", "busybox", "true")
	if !strings.Contains(stderr, "cannot access path") {
		t.Errorf("missing subpath: %q", stderr)
	}
}
