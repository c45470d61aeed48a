package volumes

import (
	"context"
	"testing"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/events"
	"github.com/berth/berth/internal/volume"
	"github.com/containerd/errdefs"
)

type fakeContainers map[string]*container.Container

func (f fakeContainers) Get(ref string) (*container.Container, error) {
	if c, ok := f[ref]; ok {
		return c, nil
	}
	return nil, errdefs.ErrNotFound
}

func (f fakeContainers) List() []*container.Container {
	var out []*container.Container
	for _, c := range f {
		out = append(out, c)
	}
	return out
}

func TestCheckForgetsUsersThatAreNoContainers(t *testing.T) {
	ctx := context.Background()
	cs := fakeContainers{"c1": {ID: "c1"}}
	bus := events.New()
	defer bus.Close()
	s, err := Open(t.TempDir(), bus, cs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Create(ctx, volume.CreateOptions{Name: "vol1"}); err != nil {
		t.Fatal(err)
	}
	s.AddUser("vol1", "c1")
	s.AddUser("vol1", "gone") // a container removed while its volume kept it
	ps, err := s.Check(ctx, false)
	if err != nil || len(ps) != 1 || ps[0].Subject != "vol1" {
		t.Fatalf("%v %+v", err, ps)
	}
	if ps, _ := s.Check(ctx, true); len(ps) != 1 || !ps[0].Repaired {
		t.Fatalf("%+v", ps)
	}
	v, _ := s.Get("vol1")
	if len(v.Users) != 1 || v.Users[0] != "c1" {
		t.Fatalf("users after repair: %v", v.Users)
	}
	if ps, _ := s.Check(ctx, false); len(ps) != 0 {
		t.Fatalf("after repair: %+v", ps)
	}
}
