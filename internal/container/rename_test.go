package container

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

func TestRename(t *testing.T) {
	s, db := openStore(t, filepath.Join(t.TempDir(), "m.db"))
	defer db.Close()
	db1 := &Container{ID: NewID(), Name: "db", State: State{Status: Created}}
	web := &Container{ID: NewID(), Name: "web", State: State{Status: Created}}
	gone := &Container{ID: NewID(), Name: "gone", State: State{Status: Removing}}
	for _, c := range []*Container{db1, web, gone} {
		if err := s.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	c, old, err := s.Rename(" db ", "/store")
	if err != nil || c.ID != db1.ID || c.Name != "store" || old != "db" || s.NameInUse("db") || !s.NameInUse("store") {
		t.Fatalf("rename: %v %q %v", c, old, err)
	}
	cases := []struct {
		from, to, want string
		class          func(error) bool
	}{
		{"store", "store", "Renaming a container with the same name as its current name", errdefs.IsInvalidArgument},
		{"store", " ", "Neither old nor new names may be empty", errdefs.IsInvalidArgument},
		{"/", "x1", "Neither old nor new names may be empty", errdefs.IsInvalidArgument},
		{"store", "bad name", "Error when allocating new name: Invalid container name (bad name)", errdefs.IsInvalidArgument},
		{"store", "web", `Error when allocating new name: Conflict. The container name "/web" is already in use by container "` + web.ID, errdefs.IsConflict},
		{"gone", "x2", "cannot rename container " + gone.ID + ": container is marked for removal", errdefs.IsConflict},
		{"ghost", "x3", "No such container: ghost", errdefs.IsNotFound},
	}
	for _, tc := range cases {
		_, _, err := s.Rename(tc.from, tc.to)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !tc.class(err) {
			t.Errorf("%q → %q: %v", tc.from, tc.to, err)
		}
	}
}
