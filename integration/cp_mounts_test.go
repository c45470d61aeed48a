package integration

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
)

// TestCopyThroughMounts runs docker cp in and out of a volume, a bind
// mount and a tmpfs, with the container running and stopped. A stopped
// container's tmpfs is gone: the copy reaches the directory beneath it,
// as with Docker.
func TestCopyThroughMounts(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	bind := t.TempDir()
	if err := os.WriteFile(filepath.Join(bind, "from-host"), []byte("bind data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docker(t, d, "volume", "create", "cpvol")
	t.Cleanup(func() { testutil.Docker(t, d, "volume", "rm", "-f", "cpvol") })
	docker(t, d, "run", "-d", "--name", "mnt", "-v", "cpvol:/data", "-v", bind+":/srv/bind",
		"--tmpfs", "/scratch", "busybox", "sh", "-c",
		"echo vol > /data/in-vol; echo tmp > /scratch/in-tmpfs; exec sleep 300")
	waitFor(t, "container ready", 20*time.Second, func() bool {
		out, _, _ := testutil.Docker(t, d, "exec", "mnt", "cat", "/scratch/in-tmpfs")
		return out == "tmp\n"
	})
	src := filepath.Join(t.TempDir(), "payload")
	if err := os.WriteFile(src, []byte("from cp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	roundTrip := func(state, dir, existing, want string) {
		t.Helper()
		got := filepath.Join(out, state+strings.ReplaceAll(dir, "/", "_"))
		docker(t, d, "cp", "mnt:"+dir+"/"+existing, got)
		if b, err := os.ReadFile(got); err != nil || string(b) != want {
			t.Errorf("%s: cp out of %s/%s: %q %v, want %q", state, dir, existing, b, err, want)
		}
		docker(t, d, "cp", src, "mnt:"+dir+"/"+state+"-in")
		back := got + "-back"
		docker(t, d, "cp", "mnt:"+dir+"/"+state+"-in", back)
		if b, err := os.ReadFile(back); err != nil || string(b) != "from cp\n" {
			t.Errorf("%s: cp into %s did not come back: %q %v", state, dir, b, err)
		}
	}
	roundTrip("running", "/data", "in-vol", "vol\n")
	roundTrip("running", "/srv/bind", "from-host", "bind data\n")
	roundTrip("running", "/scratch", "in-tmpfs", "tmp\n")
	// The copies landed on the mounts themselves, seen from inside and out.
	if got, _, _ := testutil.Docker(t, d, "exec", "mnt", "cat", "/scratch/running-in", "/data/running-in"); got != "from cp\nfrom cp\n" {
		t.Errorf("inside the container: %q", got)
	}
	if b, err := os.ReadFile(filepath.Join(bind, "running-in")); err != nil || string(b) != "from cp\n" {
		t.Errorf("bind source on the host: %q %v", b, err)
	}
	// A whole mount comes out under its own name.
	docker(t, d, "cp", "mnt:/data", filepath.Join(out, "whole"))
	if b, err := os.ReadFile(filepath.Join(out, "whole", "in-vol")); err != nil || string(b) != "vol\n" {
		t.Errorf("cp of the volume's root: %q %v", b, err)
	}

	docker(t, d, "stop", "-t", "1", "mnt")
	roundTrip("stopped", "/data", "in-vol", "vol\n")
	roundTrip("stopped", "/srv/bind", "running-in", "from cp\n")
	stderr := dockerFails(t, d, "cp", "mnt:/scratch/in-tmpfs", filepath.Join(out, "gone"))
	if !strings.Contains(stderr, "Could not find the file /scratch/in-tmpfs in container mnt") {
		t.Errorf("stopped tmpfs: %s", stderr)
	}
	// Started again, the container sees what was copied in while stopped.
	docker(t, d, "start", "mnt")
	if got, _, _ := testutil.Docker(t, d, "exec", "mnt", "cat", "/data/stopped-in", "/srv/bind/stopped-in"); got != "from cp\nfrom cp\n" {
		t.Errorf("after restart: %q", got)
	}
}

// TestCopyMountsConfined plants symlinks on a volume and a tmpfs that
// point at host paths; docker cp resolves them inside the container, as
// the container would, so nothing of the host is read or written.
func TestCopyMountsConfined(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	hostDir := t.TempDir()
	secret := filepath.Join(hostDir, "secret")
	if err := os.WriteFile(secret, []byte("host secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	docker(t, d, "volume", "create", "escvol")
	t.Cleanup(func() { testutil.Docker(t, d, "volume", "rm", "-f", "escvol") })
	// The container has a directory of the same name as hostDir, where the
	// links lead when resolved inside it.
	docker(t, d, "run", "-d", "--name", "esc", "-v", "escvol:/data", "--tmpfs", "/scratch", "busybox", "sh", "-c",
		"mkdir -p "+hostDir+"; ln -s "+hostDir+" /data/out; ln -s ../../../../.."+hostDir+" /scratch/up; "+
			"ln -s / /scratch/root; touch /ready; exec sleep 300")
	waitFor(t, "container ready", 20*time.Second, func() bool {
		_, _, code := testutil.Docker(t, d, "exec", "esc", "test", "-f", "/ready")
		return code == 0
	})
	src := filepath.Join(t.TempDir(), "planted")
	if err := os.WriteFile(src, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(state string) {
		t.Helper()
		dst := t.TempDir()
		for _, p := range []string{"/data/out/secret", "/scratch/up/secret", "/scratch/root" + secret} {
			if _, stderr, code := testutil.Docker(t, d, "cp", "esc:"+p, filepath.Join(dst, "leak")); code == 0 {
				b, _ := os.ReadFile(filepath.Join(dst, "leak"))
				t.Errorf("%s: cp esc:%s read %q from the host", state, p, b)
			} else if !strings.Contains(stderr, "Could not find the file") {
				t.Errorf("%s: cp esc:%s: %s", state, p, stderr)
			}
		}
		for _, p := range []string{"/data/out/", "/scratch/up/", "/scratch/root" + hostDir + "/"} {
			testutil.Docker(t, d, "cp", src, "esc:"+p)
		}
		if _, err := os.Stat(filepath.Join(hostDir, "planted")); err == nil {
			t.Fatalf("%s: docker cp wrote through a symlink onto the host", state)
		}
	}
	check("running")
	// Writes through the links landed inside the container's view.
	if out, _, _ := testutil.Docker(t, d, "exec", "esc", "ls", hostDir); !strings.Contains(out, "planted") {
		t.Errorf("confined copy not found inside the container: %q", out)
	}
	docker(t, d, "stop", "-t", "1", "esc")
	check("stopped")
}

// TestCopyOutDoesNotHoldTheContainer keeps a cp stream open without
// reading it: stop must still work and inspect must tell the truth.
func TestCopyOutDoesNotHoldTheContainer(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	docker(t, d, "run", "-d", "--name", "slow", "busybox", "sh", "-c",
		"dd if=/dev/zero of=/big bs=1M count=64 2>/dev/null; touch /ready; exec sleep 300")
	waitFor(t, "container ready", 20*time.Second, func() bool {
		_, _, code := testutil.Docker(t, d, "exec", "slow", "test", "-f", "/ready")
		return code == 0
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", testutil.BaseURL+"/containers/slow/archive?path=/big", nil)
	resp, err := d.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("archive: %d", resp.StatusCode)
	}
	if _, err := bufio.NewReader(resp.Body).Peek(512); err != nil { // the stream has begun; now stall it
		t.Fatal(err)
	}
	start := time.Now()
	if _, stderr, code := testutil.Docker(t, d, "stop", "-t", "1", "slow"); code != 0 {
		t.Fatalf("stop during a stalled cp: %s", stderr)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("stop took %v", took)
	}
	if state := strings.TrimSpace(docker(t, d, "inspect", "-f", "{{.State.Status}}", "slow")); state != "exited" {
		t.Errorf("inspect during a stalled cp: %s", state)
	}
	cancel()
}
