package daemon

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
)

func TestContainerInspect(t *testing.T) {
	d, cs := listFixture(t)
	fresh := cs["fresh"]
	got, err := d.ContainerInspect(context.Background(), "fresh", false)
	if err != nil {
		t.Fatal(err)
	}
	st := got.State
	if st.Status != "created" || st.Running || st.StartedAt != "0001-01-01T00:00:00Z" || st.FinishedAt != "0001-01-01T00:00:00Z" {
		t.Errorf("state %+v", st)
	}
	dir := d.containerDir(fresh.ID)
	if got.Name != "/fresh" || got.ID != fresh.ID || got.Path != "sh" || got.Image != fresh.Image.String() ||
		got.Driver != "overlayfs" || got.Platform != "linux" || got.Created != fresh.Created.Format(time.RFC3339Nano) {
		t.Errorf("inspect %+v", got)
	}
	if got.HostsPath != filepath.Join(dir, "hosts") || got.ResolvConfPath != filepath.Join(dir, "resolv.conf") ||
		got.HostnamePath != filepath.Join(dir, "hostname") || got.LogPath != filepath.Join(dir, fresh.ID+"-json.log") {
		t.Errorf("paths %q %q %q %q", got.HostsPath, got.ResolvConfPath, got.HostnamePath, got.LogPath)
	}
	gd := got.GraphDriver
	if gd.Name != "overlayfs" || gd.Data["UpperDir"] != filepath.Join(dir, "upper") || gd.Data["MergedDir"] != filepath.Join(dir, "rootfs") ||
		gd.Data["LowerDir"] != filepath.Join(dir, "empty") { // the fixture images have no layers
		t.Errorf("graph driver %+v", gd)
	}
	if got.SizeRw != nil || got.Mounts == nil || got.NetworkSettings == nil || got.NetworkSettings.Networks == nil {
		t.Errorf("shape: size %v mounts %v net %+v", got.SizeRw, got.Mounts, got.NetworkSettings)
	}
	// The JSON is what clients parse: check a few spellings.
	data, _ := json.Marshal(got)
	for _, want := range []string{`"Id":"` + fresh.ID, `"ExecIDs":null`, `"Mounts":[]`, `"Networks":{}`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}

	os.MkdirAll(filepath.Join(dir, "upper", "etc"), 0o755)
	os.WriteFile(filepath.Join(dir, "upper", "etc", "x"), []byte("12345"), 0o644)
	got, _ = d.ContainerInspect(context.Background(), fresh.ID[:8], true)
	if got.SizeRw == nil || *got.SizeRw != 5 || *got.SizeRootFs != 1005 {
		t.Errorf("sizes %v %v", got.SizeRw, got.SizeRootFs)
	}

	d.containers.Update(cs["web"].ID, func(c *container.Container) error {
		c.HostConfig.SecurityOpt = []string{"apparmor=unconfined"}
		return c.State.SetPaused()
	})
	got, _ = d.ContainerInspect(context.Background(), "/web", false)
	if !got.State.Running || !got.State.Paused || got.State.Status != "paused" || got.State.Pid != 4242 || got.AppArmorProfile != "unconfined" {
		t.Errorf("paused state %+v, apparmor %q", got.State, got.AppArmorProfile)
	}
	got, _ = d.ContainerInspect(context.Background(), "job", false)
	if got.State.ExitCode != 3 || got.State.FinishedAt == "0001-01-01T00:00:00Z" || !strings.HasSuffix(got.State.FinishedAt, "Z") {
		t.Errorf("exited state %+v", got.State)
	}
	if _, err := d.ContainerInspect(context.Background(), "ghost", false); !errdefs.IsNotFound(err) || err.Error() != "No such container: ghost" {
		t.Errorf("ghost: %v", err)
	}
}
