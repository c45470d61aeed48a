package daemon

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/filters"
	"github.com/containerd/errdefs"
)

// listFixture makes four containers, newest first: web (running, of a
// child image), db (exited 0), job (exited 3), fresh (never started).
func listFixture(t *testing.T) (*Daemon, map[string]*container.Container) {
	d := queryDaemon(t)
	base := addImage(t, d, "base", "", 1000, "busybox:latest")
	child := addImage(t, d, "child", base, 1500, "app:1")
	t0 := time.Now().Add(-time.Hour)
	cs := map[string]*container.Container{}
	cs["fresh"] = addContainer(t, d, "fresh", t0, base, "busybox", nil)
	cs["job"] = addContainer(t, d, "job", t0.Add(time.Minute), base, "busybox", exited(3, t0.Add(2*time.Minute)))
	cs["db"] = addContainer(t, d, "db", t0.Add(2*time.Minute), base, "busybox", exited(0, t0.Add(3*time.Minute)))
	cs["web"] = addContainer(t, d, "web", t0.Add(3*time.Minute), child, "app:1", func(c *container.Container) {
		running(t0.Add(4 * time.Minute))(c)
		c.Config.Labels = map[string]string{"app": "web", "tier": "front"}
	})
	return d, cs
}

func names(t *testing.T, d *Daemon, opts backend.ContainerListOptions) []string {
	t.Helper()
	list, err := d.Containers(context.Background(), opts)
	if err != nil {
		t.Fatalf("%+v: %v", opts, err)
	}
	out := []string{}
	for _, s := range list {
		out = append(out, strings.TrimPrefix(s.Names[0], "/"))
	}
	return out
}

func TestContainersFilters(t *testing.T) {
	d, _ := listFixture(t)
	f := func(kv ...string) filters.Args {
		a := filters.Args{}
		for i := 0; i < len(kv); i += 2 {
			a.Add(kv[i], kv[i+1])
		}
		return a
	}
	cases := []struct {
		name string
		opts backend.ContainerListOptions
		want []string
	}{
		{"running only", backend.ContainerListOptions{}, []string{"web"}},
		{"all", backend.ContainerListOptions{All: true}, []string{"web", "db", "job", "fresh"}},
		{"name substring", backend.ContainerListOptions{All: true, Filters: f("name", "e")}, []string{"web", "fresh"}},
		{"ancestor parent", backend.ContainerListOptions{All: true, Filters: f("ancestor", "busybox")}, []string{"web", "db", "job", "fresh"}},
		{"ancestor child", backend.ContainerListOptions{All: true, Filters: f("ancestor", "app:1")}, []string{"web"}},
		{"ancestor unknown", backend.ContainerListOptions{All: true, Filters: f("ancestor", "nope")}, []string{}},
		{"before", backend.ContainerListOptions{All: true, Filters: f("before", "db")}, []string{"job", "fresh"}},
		{"since", backend.ContainerListOptions{All: true, Filters: f("since", "job")}, []string{"web", "db"}},
	}
	for _, tc := range cases {
		if got := names(t, d, tc.opts); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestContainersFilterErrors(t *testing.T) {
	d, _ := listFixture(t)
	// The filters' own checks are container/filter's tests; these
	// cover their wiring to the stores.
	cases := map[string]string{
		"bogus=1": "invalid filter 'bogus'",
	}
	for kv, want := range cases {
		k, v, _ := strings.Cut(kv, "=")
		_, err := d.Containers(context.Background(), backend.ContainerListOptions{Filters: filters.New([2]string{k, v})})
		if !errdefs.IsInvalidArgument(err) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v", kv, err)
		}
	}
	_, err := d.Containers(context.Background(), backend.ContainerListOptions{Filters: filters.New([2]string{"before", "ghost"})})
	if !errdefs.IsNotFound(err) {
		t.Errorf("before=ghost: %v", err)
	}
}

func TestContainerSummary(t *testing.T) {
	d, cs := listFixture(t)
	web := cs["web"]
	d.containers.Update(web.ID, func(c *container.Container) error {
		c.Args = []string{"-c", "echo hi; sleep 1"}
		return nil
	})
	upper := filepath.Join(d.containerDir(web.ID), "upper")
	os.MkdirAll(upper, 0o755)
	os.WriteFile(filepath.Join(upper, "f"), make([]byte, 300), 0o644)
	os.Link(filepath.Join(upper, "f"), filepath.Join(upper, "g")) // counted once

	list, err := d.Containers(context.Background(), backend.ContainerListOptions{Size: true})
	if err != nil || len(list) != 1 {
		t.Fatal(list, err)
	}
	s := list[0]
	if s.Command != "sh -c 'echo hi; sleep 1'" {
		t.Errorf("command %q", s.Command)
	}
	if s.Image != "app:1" || s.ImageID != web.Image.String() || s.State != "running" || s.Status != "Up 56 minutes" {
		t.Errorf("image %q %q state %q status %q", s.Image, s.ImageID, s.State, s.Status)
	}
	if s.SizeRw != 300 || s.SizeRootFs != 1800 {
		t.Errorf("sizes %d %d", s.SizeRw, s.SizeRootFs)
	}
	if s.Ports == nil || s.Mounts == nil || s.NetworkSettings == nil || s.NetworkSettings.Networks == nil || s.HostConfig.NetworkMode != "none" {
		t.Errorf("shape: %+v", s)
	}
	if s.Labels["app"] != "web" || s.Created != web.Created.Unix() {
		t.Errorf("labels/created: %+v", s)
	}
	// Once the name points at another image, the ID is shown instead.
	addImage(t, d, "other", "", 10, "app:1")
	list, _ = d.Containers(context.Background(), backend.ContainerListOptions{})
	if list[0].Image != web.Image.String() {
		t.Errorf("retagged image shows as %q", list[0].Image)
	}
}
