package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
	"github.com/berth/berth/internal/testutil/need"
	"github.com/moby/moby/api/types/container"
)

// dockerDefaultCapEff is CapEff of a default Docker container: the 14
// default capabilities as a mask.
const dockerDefaultCapEff = "00000000a80425fb"

// TestRunWithRunc runs generated specs for a busybox rootfs with runc:
// once with the defaults, once privileged.
func TestRunWithRunc(t *testing.T) {
	testutil.RequireRoot(t)
	runc := need.Command(t, "runc", "runc")
	tarball := testutil.BusyboxRootfsFile(t)
	rootfs := filepath.Join(t.TempDir(), "rootfs")
	if err := os.Mkdir(rootfs, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("tar", "-C", rootfs, "-xf", tarball).CombinedOutput(); err != nil {
		t.Fatalf("extract rootfs: %v: %s", err, out)
	}
	stateRoot := t.TempDir()

	// /berth is the cgroup parent Berth uses; remove it afterwards only if
	// this test made it.
	parentExisted := map[string]bool{}
	for _, d := range cgroupDirs("") {
		_, err := os.Stat(d)
		parentExisted[d] = err == nil
	}
	t.Cleanup(func() {
		for d, existed := range parentExisted {
			if !existed {
				// Another test may be using /berth meanwhile: then it stays.
				if err := os.Remove(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
					t.Log(err)
				}
			}
		}
	})

	script := "grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|Seccomp|NoNewPrivs):' /proc/self/status; " +
		"echo kcore=$(cat /proc/kcore 2>/dev/null | wc -c) interrupts=$(wc -c < /proc/interrupts); hostname; id -u; echo HOME=$HOME; " +
		"if echo x > /proc/sys/kernel/domainname 2>/dev/null; then echo sysctl=rw; else echo sysctl=ro; fi"

	t.Run("default", func(t *testing.T) {
		out := runcRun(t, runc, stateRoot, Input{
			Config:     &container.Config{Cmd: []string{"sh", "-c", script}},
			HostConfig: &container.HostConfig{},
			Rootfs:     rootfs,
			Hostname:   "spec-e2e",
		})
		for _, want := range []string{
			"CapEff:\t" + dockerDefaultCapEff, "CapPrm:\t" + dockerDefaultCapEff,
			"CapBnd:\t" + dockerDefaultCapEff, "CapInh:\t0000000000000000",
			"CapAmb:\t0000000000000000", "Seccomp:\t2", "NoNewPrivs:\t0", "interrupts=0", "spec-e2e\n", "HOME=/root", "sysctl=ro",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		// Masked paths hide what exists: this host's kernel may lack kcore.
		if !strings.Contains(out, "kcore=0") {
			t.Errorf("/proc/kcore is readable:\n%s", out)
		}
		if interrupts, _ := os.ReadFile("/proc/interrupts"); len(interrupts) == 0 {
			t.Log("the host's /proc/interrupts is empty: the masking check proves nothing here")
		}
	})

	t.Run("privileged", func(t *testing.T) {
		out := runcRun(t, runc, stateRoot, Input{
			Config:     &container.Config{Cmd: []string{"sh", "-c", script}, User: "nobody"},
			HostConfig: &container.HostConfig{Privileged: true},
			Rootfs:     rootfs,
			Hostname:   "spec-e2e",
		})
		// A non-root user loses the effective set at exec; the bounding set
		// is still the host's, exactly.
		status, err := os.ReadFile("/proc/self/status")
		if err != nil {
			t.Fatal(err)
		}
		var hostBnd string
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "CapBnd:") {
				hostBnd = l
			}
		}
		for _, want := range []string{hostBnd, "Seccomp:\t0", "65534\n", "HOME=/nonexistent"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("options", func(t *testing.T) {
		pids, nofile := int64(50), &container.Ulimit{Name: "nofile", Soft: 1000, Hard: 2000}
		hc := &container.HostConfig{
			ReadonlyRootfs: true,
			ShmSize:        8 << 20,
			CapDrop:        []string{"all"},
			CapAdd:         []string{"chown", "CAP_KILL"},
			SecurityOpt:    []string{"no-new-privileges"},
			Sysctls:        map[string]string{"net.ipv4.ip_forward": "1"},
		}
		hc.Memory, hc.PidsLimit, hc.Ulimits = 64<<20, &pids, []*container.Ulimit{nofile}
		out := runcRun(t, runc, stateRoot, Input{
			Config: &container.Config{User: "65534:0", WorkingDir: "/tmp", Cmd: []string{"sh", "-c",
				"grep -E '^(CapEff|NoNewPrivs):' /proc/self/status; pwd; id -u; id -g; ulimit -n; ulimit -Hn; " +
					"cat /proc/sys/net/ipv4/ip_forward; df -k /dev/shm | tail -1; " +
					"touch /x 2>/dev/null && echo rootfs=rw || echo rootfs=ro; " +
					"cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null; true"}},
			HostConfig: hc,
			Rootfs:     rootfs,
		})
		for _, want := range []string{"CapEff:\t0000000000000000", "NoNewPrivs:\t1", "/tmp\n65534\n0\n1000\n2000\n1\n",
			" 8192 ", "rootfs=ro", "67108864\n50\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
}

// runcRun generates the spec for in, runs it with `runc run` and returns
// its output; the container, its state and its cgroups are removed.
func runcRun(t *testing.T, runc, stateRoot string, in Input) string {
	t.Helper()
	id := fmt.Sprintf("spec-e2e-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"))
	in.ID, in.CgroupsPath = id, "/berth/"+id
	s, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	bundle := t.TempDir()
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command(runc, "--root", stateRoot, "delete", "--force", id).Run()
		for _, d := range cgroupDirs(id) {
			os.Remove(d)
		}
	})
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(runc, "--root", stateRoot, "run", "--bundle", bundle, id)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("runc run: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// cgroupDirs lists where the cgroupfs driver puts /berth/<id> (or /berth
// itself for id ""): under each v1 hierarchy and the unified one.
func cgroupDirs(id string) []string {
	hierarchies, _ := filepath.Glob("/sys/fs/cgroup/*")
	dirs := []string{filepath.Join("/sys/fs/cgroup", "berth", id)}
	for _, h := range hierarchies {
		dirs = append(dirs, filepath.Join(h, "berth", id))
	}
	return dirs
}
