package supervisor

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth/berth/internal/check"
	"github.com/berth/berth/internal/container"
	apicontainer "github.com/moby/moby/api/types/container"
)

// fakeLeftovers says every container in held still holds a mount, and
// strays are the IDs with run state on disk.
type fakeLeftovers struct {
	mu     sync.Mutex
	held   map[string]bool
	strays []string
}

func (f *fakeLeftovers) Strays() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.strays...)
}

func (f *fakeLeftovers) RemoveStray(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.strays = slices.DeleteFunc(f.strays, func(s string) bool { return s == id })
	return nil
}

func (f *fakeLeftovers) Find(c *container.Container) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.held[c.ID] {
		return []string{"its root filesystem mount"}
	}
	return nil
}

func (f *fakeLeftovers) Remove(_ context.Context, c *container.Container) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.held, c.ID)
	return nil
}

func alivePids(t *testing.T) {
	old := processAlive
	processAlive = func(int) bool { return true }
	t.Cleanup(func() { processAlive = old })
}

func mustCheck(t *testing.T, s *Supervisor, repair bool) []check.Problem {
	t.Helper()
	ps, err := s.Check(ctx, repair)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestCheckTrueStatesAreClean(t *testing.T) {
	alivePids(t)
	h := newHarness(t)
	run := h.add("run", apicontainer.HostConfig{})
	h.add("created", apicontainer.HostConfig{})
	if err := h.sup.Start(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	if ps := mustCheck(t, h.sup, false); len(ps) != 0 {
		t.Fatalf("%+v", ps)
	}
}

func TestCheckRunningWithoutTask(t *testing.T) {
	alivePids(t)
	h := newHarness(t)
	c := h.add("ghost", apicontainer.HostConfig{})
	// A record that says running with no task behind it.
	if _, err := h.store.Update(c.ID, func(c *container.Container) error { return c.State.SetRunning(99, time.Now().UTC()) }); err != nil {
		t.Fatal(err)
	}
	ps := mustCheck(t, h.sup, false)
	if len(ps) != 1 || !strings.Contains(ps[0].Problem, "has no task") {
		t.Fatalf("%+v", ps)
	}
	ps = mustCheck(t, h.sup, true)
	if len(ps) != 1 || !ps[0].Repaired {
		t.Fatalf("%+v", ps)
	}
	if st := h.status(c.ID); st != container.Exited {
		t.Fatalf("repair left it %s; want its exit recorded", st)
	}
	if ps := mustCheck(t, h.sup, false); len(ps) != 0 {
		t.Fatalf("after repair: %+v", ps)
	}
}

func TestCheckProcessRecordsMiss(t *testing.T) {
	alivePids(t)
	h := newHarness(t)
	c := h.add("hidden", apicontainer.HostConfig{})
	// A task that runs while the record says created (a start the
	// previous daemon did not record).
	task := newFakeTask(c.ID)
	task.status = "running"
	h.rt.connectable[c.ID] = task
	ps := mustCheck(t, h.sup, false)
	if len(ps) != 1 || !strings.Contains(ps[0].Problem, "its task is running") {
		t.Fatalf("%+v", ps)
	}
	mustCheck(t, h.sup, true)
	if st := h.status(c.ID); st != container.Running || !h.sup.Running(c.ID) {
		t.Fatalf("repair left it %s; want it adopted", st)
	}
	if ps := mustCheck(t, h.sup, false); len(ps) != 0 {
		t.Fatalf("after repair: %+v", ps)
	}
}

func TestCheckLeftoversOfStoppedContainers(t *testing.T) {
	alivePids(t)
	h := newHarness(t)
	stopped := h.add("stopped", apicontainer.HostConfig{})
	run := h.add("run", apicontainer.HostConfig{})
	left := &fakeLeftovers{held: map[string]bool{stopped.ID: true, run.ID: true}}
	h.sup.cfg.Leftovers = left
	if err := h.sup.Start(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	ps := mustCheck(t, h.sup, false)
	if len(ps) != 1 || ps[0].Subject != stopped.ID || !strings.Contains(ps[0].Problem, "root filesystem mount") {
		t.Fatalf("only the stopped container's mount is a leak: %+v", ps)
	}
	_, released, _ := h.env.counts()
	ps = mustCheck(t, h.sup, true)
	if len(ps) != 1 || !ps[0].Repaired {
		t.Fatalf("%+v", ps)
	}
	if _, after, _ := h.env.counts(); after != released+1 {
		t.Fatal("repair did not release the stopped container's run")
	}
	if ps := mustCheck(t, h.sup, false); len(ps) != 0 {
		t.Fatalf("after repair: %+v", ps)
	}
}

func TestRestoreReleasesAnInterruptedStart(t *testing.T) {
	h := newHarness(t)
	c := h.add("cut", apicontainer.HostConfig{})
	// The daemon died in Prepare: no task, but a mount and a bundle.
	left := &fakeLeftovers{held: map[string]bool{c.ID: true}}
	h.sup.Close()
	h.sup = h.newSupervisor()
	h.sup.cfg.Leftovers = left
	h.sup.Restore(ctx)
	if _, released, _ := h.env.counts(); released != 1 || len(left.Find(c)) != 0 {
		t.Fatalf("released %d times, left %v", released, left.Find(c))
	}
	if st := h.status(c.ID); st != container.Created {
		t.Fatalf("status %s", st)
	}
}

func TestCheckFrozenByNobody(t *testing.T) {
	alivePids(t)
	h := newHarness(t)
	c := h.add("frozen", apicontainer.HostConfig{})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	c = h.get(c.ID)
	thaw, err := h.sup.Freeze(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if ps := mustCheck(t, h.sup, false); len(ps) != 0 {
		t.Fatalf("a commit's freeze reported: %+v", ps)
	}
	thaw()
	// A freeze whose commit died with the daemon: the task stays paused.
	h.rt.task(c.ID).Pause(ctx)
	ps := mustCheck(t, h.sup, false)
	if len(ps) != 1 || !strings.Contains(ps[0].Problem, "recorded running but its task is paused") {
		t.Fatalf("%+v", ps)
	}
	mustCheck(t, h.sup, true)
	if st, _ := h.rt.task(c.ID).State(ctx); st.Status != "running" {
		t.Fatalf("repair left the task %s", st.Status)
	}
}

func TestRestoreThawsWhatACommitLeftFrozen(t *testing.T) {
	h := newHarness(t)
	c := h.add("commit", apicontainer.HostConfig{})
	if err := h.sup.Start(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	h.rt.task(c.ID).Pause(ctx) // frozen by a commit when the daemon died
	h.sup.Close()
	h.rt.connectable[c.ID] = h.rt.task(c.ID)
	h.sup = h.newSupervisor()
	h.sup.Restore(ctx)
	if st, _ := h.rt.task(c.ID).State(ctx); st.Status != "running" || h.status(c.ID) != container.Running {
		t.Fatalf("task %s, record %s", st.Status, h.status(c.ID))
	}
}

func TestCheckStrays(t *testing.T) {
	alivePids(t)
	h := newHarness(t)
	kept := h.add("kept", apicontainer.HostConfig{})
	gone := container.NewID()
	// A removal cut short after the record: its shim still runs.
	task := newFakeTask(gone)
	task.status = "running"
	h.rt.connectable[gone] = task
	left := &fakeLeftovers{held: map[string]bool{}, strays: []string{kept.ID, gone}}
	h.sup.cfg.Leftovers = left
	ps := mustCheck(t, h.sup, false)
	if len(ps) != 2 || ps[0].Subject != gone || !strings.Contains(ps[1].Problem, "a task (pid") {
		t.Fatalf("%+v", ps)
	}
	ps = mustCheck(t, h.sup, true)
	for _, p := range ps {
		if !p.Repaired {
			t.Fatalf("%v", p)
		}
	}
	if st, _ := task.State(ctx); st.Status != "stopped" {
		t.Fatalf("the stray task is %s", st.Status)
	}
	if got := left.Strays(); len(got) != 1 || got[0] != kept.ID {
		t.Fatalf("strays after repair %v", got)
	}
}
