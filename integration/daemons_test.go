package integration

import (
	"reflect"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

func TestTwoDaemonsSideBySide(t *testing.T) {
	one := testutil.StartDaemon(t)
	two := testutil.StartDaemon(t)
	a := importBusybox(t, one, "only-one:latest")
	b := importBusybox(t, two, "only-two:latest", "ENV WHERE=two")

	if got := listedIDs(listImages(t, one, nil)); !reflect.DeepEqual(got, []string{a}) {
		t.Errorf("first daemon lists %v, want [%s]", got, a)
	}
	if got := listedIDs(listImages(t, two, nil)); !reflect.DeepEqual(got, []string{b}) {
		t.Errorf("second daemon lists %v, want [%s]", got, b)
	}
	if out := docker(t, two, "images", "--format", "{{.Repository}}"); strings.TrimSpace(out) != "only-two" {
		t.Errorf("docker images on the second daemon: %q", out)
	}
	i1, err1 := one.Client().Info(t.Context(), client.InfoOptions{})
	i2, err2 := two.Client().Info(t.Context(), client.InfoOptions{})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if i1.Info.DockerRootDir == i2.Info.DockerRootDir {
		t.Errorf("two daemons share DockerRootDir %q", i1.Info.DockerRootDir)
	}
	// Like dockerd's engine ID, the ID belongs to the data root.
	if i1.Info.ID == i2.Info.ID {
		t.Errorf("two daemons on different data roots share the ID %q", i1.Info.ID)
	}

	// Stopping one leaves the other serving.
	one.Stop(t)
	if _, err := two.Client().Ping(t.Context(), client.PingOptions{}); err != nil {
		t.Errorf("second daemon after the first stopped: %v", err)
	}
}

func TestSecondDaemonOnSameDataRoot(t *testing.T) {
	first := testutil.StartDaemon(t)
	id := importBusybox(t, first, "mine:latest")

	second, err := testutil.StartDaemonWith(t, testutil.DaemonConfig{DataRoot: first.DataRoot})
	if err == nil {
		t.Fatal("a second berthd started on a data root already in use")
	}
	if second.Running() {
		t.Error("the refused daemon is still running")
	}
	t.Logf("refused as expected: %v", err)

	// The first daemon is untouched.
	if got := listedIDs(listImages(t, first, nil)); !reflect.DeepEqual(got, []string{id}) {
		t.Errorf("first daemon lists %v after the refused start, want [%s]", got, id)
	}
	first.Restart(t)
	if img := inspect(t, first, "mine:latest"); img.ID != id {
		t.Errorf("after restart: %s", img.ID)
	}
}
