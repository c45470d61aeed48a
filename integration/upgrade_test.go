package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	bolt "go.etcd.io/bbolt"
)

// TestUpgradeKeepsRunningContainers opens a data root in the layout
// berthd used before a container's record owned its mounts and networks
// (containers/<id>/mounts.json and the "container-networks" bucket), with
// the container still running: the new berthd takes it over with its
// volume, network alias and process intact, and leaves no old file behind.
func TestUpgradeKeepsRunningContainers(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest")
	docker(t, d, "network", "create", "upnet")
	docker(t, d, "run", "-d", "--name", "old", "--network", "upnet", "--network-alias", "legacy",
		"-v", "updata:/data", "busybox", "sh", "-c", "echo kept > /data/f; exec sleep 300")
	pid := docker(t, d, "inspect", "-f", "{{.State.Pid}}", "old")
	id := strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.Id}}", "old"))

	d.Stop(t) // containers keep running: live restore
	writeLegacyLayout(t, d.DataRoot, id)
	d.Restart(t)

	if got := docker(t, d, "inspect", "-f", "{{.State.Pid}} {{.State.Status}}", "old"); got != strings.TrimSpace(pid)+" running\n" {
		t.Fatalf("after upgrade: %q, want pid %s running", got, pid)
	}
	if got := docker(t, d, "inspect", "-f", "{{range .Mounts}}{{.Name}}:{{.Destination}}{{end}}", "old"); got != "updata:/data\n" {
		t.Fatalf("mounts after upgrade: %q", got)
	}
	if got := docker(t, d, "inspect", "-f", `{{json (index .NetworkSettings.Networks "upnet").Aliases}}`, "old"); !strings.Contains(got, "legacy") {
		t.Fatalf("network aliases after upgrade: %q", got)
	}
	if _, err := os.Stat(filepath.Join(d.DataRoot, "containers", id, "mounts.json")); !os.IsNotExist(err) {
		t.Fatalf("mounts.json left behind: %v", err)
	}
	if out := dockerFails(t, d, "volume", "rm", "updata"); !strings.Contains(out, "in use") {
		t.Fatalf("volume rm of a used volume: %q", out)
	}
	docker(t, d, "stop", "-t", "1", "old")
	docker(t, d, "start", "old")
	if got := docker(t, d, "exec", "old", "cat", "/data/f"); got != "kept\n" {
		t.Fatalf("volume after restart: %q", got)
	}
	docker(t, d, "rm", "-f", "old")
	docker(t, d, "volume", "rm", "updata")
	docker(t, d, "network", "rm", "upnet")
}

// writeLegacyLayout rewrites container id's record in the old layout: its
// mounts go to mounts.json and its networks to the "container-networks"
// bucket, and the record loses both fields.
func writeLegacyLayout(t *testing.T, dataRoot, id string) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dataRoot, "metadata.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("containers"))
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(b.Get([]byte(id)), &rec); err != nil {
			return err
		}
		mounts, networks := rec["mounts"], rec["networks"]
		if mounts == nil || networks == nil {
			t.Fatalf("the record has no mounts or networks to move: %v", rec)
		}
		delete(rec, "mounts")
		delete(rec, "networks")
		data, _ := json.Marshal(rec)
		if err := b.Put([]byte(id), data); err != nil {
			return err
		}
		nb, err := tx.CreateBucketIfNotExists([]byte("container-networks"))
		if err != nil {
			return err
		}
		if err := nb.Put([]byte(id), networks); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dataRoot, "containers", id, "mounts.json"), mounts, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}
