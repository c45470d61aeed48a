package daemon

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/berth/berth/internal/config"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/events"
	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/snapshot"
	"github.com/distribution/reference"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/opencontainers/go-digest"
	bolt "go.etcd.io/bbolt"
)

// queryDaemon is a Daemon with real stores in a temporary directory and
// no runtime: enough for the operations that read and edit records.
func queryDaemon(t *testing.T) *Daemon {
	t.Helper()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "metadata.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d := &Daemon{
		cfg:    &config.Config{DataRoot: filepath.Join(dir, "data"), ExecRoot: filepath.Join(dir, "exec")},
		db:     db,
		events: events.New(),
	}
	if d.images, err = image.NewStore(db); err != nil {
		t.Fatal(err)
	}
	if d.containers, err = container.NewStore(db); err != nil {
		t.Fatal(err)
	}
	if d.snapshots, err = snapshot.New(filepath.Join(dir, "data", "layers")); err != nil {
		t.Fatal(err)
	}
	d.sup = d.newSupervisor()
	return d
}

// addImage stores an image record (without layers) under the given names.
func addImage(t *testing.T, d *Daemon, seed string, parent digest.Digest, size int64, names ...string) digest.Digest {
	t.Helper()
	var refs []reference.Named
	for _, n := range names {
		ref, err := reference.ParseNormalizedNamed(n)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, reference.TagNameOnly(ref))
	}
	id := digest.FromString(seed)
	if _, err := d.images.Put(image.Record{ID: id, Parent: parent, Size: size, Created: time.Now()}, refs); err != nil {
		t.Fatal(err)
	}
	return id
}

// addContainer stores a created container made from img (named imgName),
// after edit has changed it.
func addContainer(t *testing.T, d *Daemon, name string, created time.Time, img digest.Digest, imgName string, edit func(c *container.Container)) *container.Container {
	t.Helper()
	c := &container.Container{
		ID:         container.NewID(),
		Name:       name,
		Created:    created.UTC(),
		Path:       "sh",
		Args:       []string{"-c", "sleep 1000"},
		Config:     &apicontainer.Config{Image: imgName, Labels: map[string]string{}},
		HostConfig: &apicontainer.HostConfig{NetworkMode: "none"},
		Image:      img,
		State:      container.State{Status: container.Created},
	}
	if edit != nil {
		edit(c)
	}
	if err := d.containers.Add(c); err != nil {
		t.Fatal(err)
	}
	return c
}

func running(at time.Time) func(c *container.Container) {
	return func(c *container.Container) {
		c.State = container.State{Status: container.Running, Pid: 4242, StartedAt: at.UTC()}
	}
}

func exited(code int, at time.Time) func(c *container.Container) {
	return func(c *container.Container) {
		c.State = container.State{Status: container.Exited, ExitCode: code, StartedAt: at.Add(-time.Second).UTC(), FinishedAt: at.UTC()}
	}
}
