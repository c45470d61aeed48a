package daemon

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/filters"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

func TestContainerRename(t *testing.T) {
	d, cs := listFixture(t)
	ctx := context.Background()
	_, live, cancel := d.events.Subscribe()
	defer cancel()
	if err := d.ContainerRename(ctx, "db", "/store"); err != nil {
		t.Fatal(err)
	}
	c, err := d.containers.Get("store")
	if err != nil || c.ID != cs["db"].ID || d.containers.NameInUse("db") {
		t.Fatalf("after rename: %v %v", c, err)
	}
	select {
	case m := <-live:
		if m.Action != events.ActionRename || m.Actor.Attributes["oldName"] != "/db" || m.Actor.Attributes["name"] != "store" {
			t.Errorf("event %+v", m)
		}
	case <-time.After(time.Second):
		t.Error("no rename event")
	}
	// The refusals are container.Store.Rename's tests; one shows they
	// reach the client with their class.
	if err := d.ContainerRename(ctx, "store", "web"); !errdefs.IsConflict(err) {
		t.Errorf("conflict class lost: %v", err)
	}
	if err := d.ContainerRename(ctx, "ghost", "x1"); !errdefs.IsNotFound(err) {
		t.Errorf("ghost: %v", err)
	}
}

func TestContainersPrune(t *testing.T) {
	d, cs := listFixture(t)
	ctx := context.Background()
	d.containers.Update(cs["job"].ID, func(c *container.Container) error {
		c.Config.Labels = map[string]string{"keep": "yes"}
		return nil
	})
	upper := filepath.Join(d.containerDir(cs["db"].ID), "upper")
	os.MkdirAll(upper, 0o755)
	os.WriteFile(filepath.Join(upper, "data"), make([]byte, 1234), 0o644)

	if _, err := d.ContainersPrune(ctx, filters.New([2]string{"name", "x"})); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad filter: %v", err)
	}
	// until excludes everything created in the last two hours.
	rep, err := d.ContainersPrune(ctx, filters.New([2]string{"until", "2h"}))
	if err != nil || len(rep.ContainersDeleted) != 0 {
		t.Fatalf("until: %+v %v", rep, err)
	}
	rep, err = d.ContainersPrune(ctx, filters.New([2]string{"label!", "keep=yes"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{cs["db"].ID, cs["fresh"].ID}
	if got := append([]string{}, rep.ContainersDeleted...); !sameSet(got, want) || rep.SpaceReclaimed != 1234 {
		t.Errorf("pruned %v (%d bytes), want %v", got, rep.SpaceReclaimed, want)
	}
	if _, err := os.Stat(d.containerDir(cs["db"].ID)); !os.IsNotExist(err) {
		t.Errorf("container dir left: %v", err)
	}
	rep, _ = d.ContainersPrune(ctx, filters.Args{})
	if !reflect.DeepEqual(rep.ContainersDeleted, []string{cs["job"].ID}) {
		t.Errorf("second prune: %v", rep.ContainersDeleted)
	}
	if left := d.containers.List(); len(left) != 1 || left[0].ID != cs["web"].ID {
		t.Errorf("left: %v", left)
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}

func TestContainerUpdateStopped(t *testing.T) {
	d, cs := listFixture(t)
	ctx := context.Background()
	pids := int64(0)
	resp, err := d.ContainerUpdate(ctx, "db", &apicontainer.UpdateConfig{
		Resources:     apicontainer.Resources{Memory: 64 << 20, NanoCPUs: 5e8, CPUShares: 512, PidsLimit: &pids},
		RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyOnFailure, MaximumRetryCount: 2},
	})
	if err != nil || resp.Warnings == nil {
		t.Fatal(resp, err)
	}
	c, _ := d.containers.Get("db")
	r := c.HostConfig.Resources
	if r.Memory != 64<<20 || r.NanoCPUs != 5e8 || r.CPUShares != 512 || *r.PidsLimit != 0 || c.HostConfig.RestartPolicy.MaximumRetryCount != 2 {
		t.Errorf("stored %+v %+v", r, c.HostConfig.RestartPolicy)
	}
	// A second update keeps what it does not mention.
	d.ContainerUpdate(ctx, "db", &apicontainer.UpdateConfig{Resources: apicontainer.Resources{CpusetCpus: "0"}})
	c, _ = d.containers.Get("db")
	if c.HostConfig.Memory != 64<<20 || c.HostConfig.CpusetCpus != "0" || c.HostConfig.RestartPolicy.Name != apicontainer.RestartPolicyOnFailure {
		t.Errorf("second update lost settings: %+v", c.HostConfig.Resources)
	}

	d.containers.Update(cs["job"].ID, func(c *container.Container) error {
		c.HostConfig.AutoRemove = true
		c.HostConfig.Memory, c.HostConfig.MemorySwap = 64<<20, 128<<20
		return nil
	})
	refused := map[string]apicontainer.UpdateConfig{
		"Minimum memory limit allowed is 6MB":                              {Resources: apicontainer.Resources{Memory: 1 << 20}},
		"Conflicting options: Nano CPUs and CPU Period cannot both be set": {Resources: apicontainer.Resources{NanoCPUs: 1e9, CPUPeriod: 100000}},
		"invalid restart policy: unknown policy 'sometimes'":               {RestartPolicy: apicontainer.RestartPolicy{Name: "sometimes"}},
		"Requested CPUs are not available - requested 0-4095":              {Resources: apicontainer.Resources{CpusetCpus: "0-4095"}},
		"Invalid value 1- for cpuset cpus":                                 {Resources: apicontainer.Resources{CpusetCpus: "1-"}},
		"Cannot update container " + cs["job"].ID + ": Restart policy cannot be updated because AutoRemove is enabled": {
			RestartPolicy: apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}},
		"Cannot update container " + cs["job"].ID + ": Memory limit should be smaller than already set memoryswap limit": {
			Resources: apicontainer.Resources{Memory: 256 << 20}},
	}
	d.containers.Update(cs["job"].ID, func(c *container.Container) error { c.HostConfig.NanoCPUs = 1e9; return nil })
	refused["Cannot update container "+cs["job"].ID+": Conflicting options: CPU Period cannot be updated as NanoCPUs"] =
		apicontainer.UpdateConfig{Resources: apicontainer.Resources{CPUPeriod: 50000}}
	for want, cfg := range refused {
		_, err := d.ContainerUpdate(ctx, "job", &cfg)
		// A clash with the container's own settings is a conflict, as in
		// Docker; a bad value is an invalid argument.
		clash := strings.HasPrefix(want, "Cannot update container")
		if errdefs.IsConflict(err) != clash || errdefs.IsInvalidArgument(err) == clash || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("want %q (conflict %v), got %v", want, clash, err)
		}
	}
	if _, err := d.ContainerUpdate(ctx, "ghost", &apicontainer.UpdateConfig{}); !errdefs.IsNotFound(err) {
		t.Errorf("ghost: %v", err)
	}
}
