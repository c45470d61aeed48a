package container

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	bolt "go.etcd.io/bbolt"
)

func openStore(t *testing.T, path string) (*Store, *bolt.DB) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(db)
	if err != nil {
		t.Fatal(err)
	}
	return s, db
}

func TestStoreLookupAndPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	s, db := openStore(t, path)
	c := &Container{ID: NewID(), Name: "web", Created: time.Now(), State: State{Status: Created}}
	if err := s.Add(c); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{c.ID, c.ID[:5], "web", "/web"} {
		if got, err := s.Get(ref); err != nil || got.ID != c.ID {
			t.Errorf("Get(%q) = %v, %v", ref, got, err)
		}
	}
	if err := s.Add(&Container{ID: NewID(), Name: "web"}); !errdefs.IsConflict(err) || !strings.Contains(err.Error(), `The container name "/web" is already in use`) {
		t.Errorf("want Docker's name conflict, got %v", err)
	}
	if _, err := s.Get("nope"); !errdefs.IsNotFound(err) || err.Error() != "No such container: nope" {
		t.Errorf("want Docker's not found, got %v", err)
	}
	if _, err := s.Update(c.ID, func(c *Container) error { c.Name = "api"; return c.State.SetRunning(42, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s2, db2 := openStore(t, path)
	defer db2.Close()
	got, err := s2.Get("api")
	if err != nil || got.State.Pid != 42 || got.State.Status != Running {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	if s2.NameInUse("web") {
		t.Error("old name still taken after rename")
	}
}

func TestFailedUpdateChangesNothing(t *testing.T) {
	s, db := openStore(t, filepath.Join(t.TempDir(), "m.db"))
	defer db.Close()
	c := &Container{ID: NewID(), Name: "x", State: State{Status: Created}}
	s.Add(c)
	_, err := s.Update(c.ID, func(c *Container) error { return c.State.SetPaused() })
	if !errdefs.IsConflict(err) {
		t.Fatalf("pausing a created container: %v", err)
	}
	got, _ := s.Get(c.ID)
	if got.State.Status != Created {
		t.Fatalf("state changed to %s", got.State.Status)
	}
}

func TestDescribe(t *testing.T) {
	now := time.Now()
	s := State{Status: Exited, ExitCode: 3, FinishedAt: now.Add(-3 * time.Second)}
	if got := s.Describe(now); got != "Exited (3) 3 seconds ago" {
		t.Errorf("got %q", got)
	}
	s = State{Status: Running, StartedAt: now.Add(-2 * time.Minute)}
	if got := s.Describe(now); got != "Up 2 minutes" {
		t.Errorf("got %q", got)
	}
}

func TestNames(t *testing.T) {
	if err := CheckName("bad name"); !errdefs.IsInvalidArgument(err) {
		t.Error("bad name accepted")
	}
	if err := CheckName("good_name-1.x"); err != nil {
		t.Error(err)
	}
	name := GenerateName(func(string) bool { return false })
	if !strings.Contains(name, "_") {
		t.Errorf("generated %q", name)
	}
}

// Containers created at once without a name all get one, each different:
// the name is drawn and reserved in one step.
func TestAddGeneratesUniqueNames(t *testing.T) {
	s, db := openStore(t, filepath.Join(t.TempDir(), "m.db"))
	defer db.Close()
	const n = 300
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { errs <- s.Add(&Container{ID: NewID(), Created: time.Now()}) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for _, c := range s.List() {
		if c.Name == "" || seen[c.Name] {
			t.Fatalf("generated name %q empty or repeated", c.Name)
		}
		seen[c.Name] = true
	}
	if len(seen) != n {
		t.Fatalf("%d containers listed, want %d", len(seen), n)
	}
}
