package integration

import (
	"archive/tar"
	"io"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/moby/moby/client"
)

// diskFile is one non-directory entry under a data root.
type diskFile struct {
	size int64
	mode fs.FileMode
}

// snapshotTree lists every non-directory entry under root. Directories are
// left out: a daemon may make them lazily and keep them empty.
func snapshotTree(t *testing.T, root string) map[string]diskFile {
	t.Helper()
	files := map[string]diskFile{}
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files[rel] = diskFile{size: info.Size(), mode: info.Mode()}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	return files
}

// orphans returns what after holds beyond baseline, ignoring the daemon's
// databases (which grow and keep free pages) and empty files (locks and
// markers made on first use).
func orphans(baseline, after map[string]diskFile) []string {
	var extra []string
	for path, f := range after {
		if _, ok := baseline[path]; ok || f.size == 0 || strings.HasSuffix(path, ".db") {
			continue
		}
		extra = append(extra, path)
	}
	sort.Strings(extra)
	return extra
}

// TestKillDuringLoad kills berthd with SIGKILL while it reads a large
// archive, restarts it, and checks that neither a half image nor its files
// survive.
func TestKillDuringLoad(t *testing.T) {
	d := testutil.StartDaemon(t)
	baseline := snapshotTree(t, d.DataRoot)
	keep := importBusybox(t, d, "keep:latest")

	const layerSize = 512 << 20 // declared; only part of it is ever sent
	const sendBeforeKill = 96 << 20
	pr, pw := io.Pipe()
	loadDone := make(chan error, 1)
	go func() {
		rc, err := d.Client().ImageLoad(t.Context(), pr)
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
		}
		loadDone <- err
	}()

	sent := make(chan error, 1)
	go func() {
		// A complete first image, then a huge layer of a second one that
		// never ends: the daemon has stored some blobs and is midway
		// through another when it dies.
		base := testutil.BusyboxRootfs(t)
		tw := tar.NewWriter(pw)
		first := testutil.ImageConfig([][]byte{base})
		if err := writeEntry(tw, testutil.ImageID(first)[7:]+".json", first); err != nil {
			sent <- err
			return
		}
		if err := writeEntry(tw, "base/layer.tar", base); err != nil {
			sent <- err
			return
		}
		if err := tw.WriteHeader(&tar.Header{Name: "big/layer.tar", Mode: 0o644, Size: layerSize, Typeflag: tar.TypeReg, ModTime: testutil.FixtureTime}); err != nil {
			sent <- err
			return
		}
		rng := rand.NewChaCha8([32]byte{1})
		buf := make([]byte, 1<<20)
		for n := 0; n < sendBeforeKill; n += len(buf) {
			_, _ = rng.Read(buf)
			if _, err := tw.Write(buf); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()

	select {
	case err := <-sent:
		if err != nil {
			t.Fatalf("sending the archive: %v", err)
		}
	case err := <-loadDone:
		t.Fatalf("load ended before the archive was complete: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("the daemon did not read the archive within 2 minutes")
	}
	d.Kill()
	pw.CloseWithError(io.ErrClosedPipe)
	if err := <-loadDone; err == nil {
		t.Error("load reported success although the daemon was killed")
	}

	d.Restart(t)
	if got := listedIDs(listImages(t, d, nil)); len(got) != 1 || got[0] != keep {
		t.Fatalf("after the crash: images %v, want only %s", got, keep)
	}
	if _, err := d.Client().ImageInspect(t.Context(), "keep:latest"); err != nil {
		t.Errorf("keep:latest after the crash: %v", err)
	}

	// With every image gone, the data root must look as it did when empty.
	if _, err := d.Client().ImageRemove(t.Context(), "keep:latest", client.ImageRemoveOptions{Force: true, PruneChildren: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Client().ImagePrune(t.Context(), client.ImagePruneOptions{Filters: make(client.Filters).Add("dangling", "false")}); err != nil {
		t.Fatal(err)
	}
	after := snapshotTree(t, d.DataRoot)
	t.Logf("data root: %d files when empty, %d after the crash and removing every image", len(baseline), len(after))
	if extra := orphans(baseline, after); len(extra) > 0 {
		var total int64
		for _, p := range extra {
			total += after[p].size
		}
		if len(extra) > 20 {
			extra = append(extra[:20], "...")
		}
		t.Errorf("%d bytes in files an empty daemon does not have:\n%s", total, strings.Join(extra, "\n"))
	}
}

func writeEntry(tw *tar.Writer, name string, data []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg, ModTime: testutil.FixtureTime}); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

// TestRestartKeepsImages checks that a clean restart keeps everything.
func TestRestartKeepsImages(t *testing.T) {
	d := testutil.StartDaemon(t)
	id := importBusybox(t, d, "persist:latest")
	d.Restart(t)
	if img := inspect(t, d, "persist:latest"); img.ID != id {
		t.Errorf("after restart: %s, want %s", img.ID, id)
	}
	d.Kill()
	d.Restart(t)
	if img := inspect(t, d, "persist:latest"); img.ID != id {
		t.Errorf("after kill and restart: %s, want %s", img.ID, id)
	}
}
