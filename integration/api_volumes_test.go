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
