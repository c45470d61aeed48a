package integration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
)

// TestSecurityOptions: a custom seccomp profile applies under
// --privileged, writable-cgroups makes the cgroup tree writable, and the
// daemon's no-new-privileges reaches containers and /info, which also
// keeps the fields older API versions read.
func TestSecurityOptions(t *testing.T) {
	d := testutil.StartDaemon(t, "--no-new-privileges")
	importBusybox(t, d, "busybox:latest")
	profile := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(profile, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod","fchmodat","fchmodat2"],"action":"SCMP_ACT_ERRNO"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	status := func(args ...string) string {
		t.Helper()
		return docker(t, d, append(append([]string{"run", "--rm"}, args...), "busybox", "sh", "-c",
			"grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status | tr -d ' \\t' | tr '\\n' ' '")...)
	}
	if got := status("--privileged"); !strings.Contains(got, "Seccomp:0") {
		t.Errorf("--privileged: %q, want no seccomp filter", got)
	}
	if got := status("--privileged", "--security-opt", "seccomp="+profile); !strings.Contains(got, "Seccomp:2") {
		t.Errorf("--privileged with a profile: %q, want the filter", got)
	}
	if msg := dockerFails(t, d, "run", "--rm", "--privileged", "--security-opt", "seccomp="+profile, "busybox", "chmod", "600", "/etc/hostname"); !strings.Contains(msg, "not permitted") {
		t.Errorf("chmod under the profile: %q", msg)
	}
	if got := status(); !strings.Contains(got, "NoNewPrivs:1") {
		t.Errorf("daemon no-new-privileges: %q", got)
	}
	if got := status("--security-opt", "no-new-privileges=false"); !strings.Contains(got, "NoNewPrivs:0") {
		t.Errorf("no-new-privileges=false: %q", got)
	}

	cgroupMounts := func(args ...string) string {
		return docker(t, d, append(append([]string{"run", "--rm"}, args...), "busybox", "sh", "-c",
			"grep ' /sys/fs/cgroup' /proc/mounts | grep -E ' cgroup2? ' | cut -d' ' -f4 | cut -d, -f1 | sort -u")...)
	}
	if got := strings.TrimSpace(cgroupMounts()); got != "ro" {
		t.Errorf("default cgroup mounts: %q, want ro", got)
	}
	if got := strings.TrimSpace(cgroupMounts("--security-opt", "writable-cgroups=true")); got != "rw" {
		t.Errorf("writable-cgroups: %q, want rw", got)
	}
	if msg := dockerFails(t, d, "run", "--rm", "--security-opt", "writable-cgroups=dang", "busybox", "true"); !strings.Contains(msg, `invalid --security-opt 2: "writable-cgroups=dang"`) {
		t.Errorf("bad writable-cgroups: %q", msg)
	}

	var info struct {
		SecurityOptions  []string
		BridgeNfIptables *bool
		ContainerdCommit map[string]string
		RegistryConfig   map[string]json.RawMessage
	}
	_, _, b := raw(t, d, "GET", "/v1.46/info", nil)
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(info.SecurityOptions, "name=seccomp,profile=builtin") || !slices.Contains(info.SecurityOptions, "name=no-new-privileges") {
		t.Errorf("SecurityOptions %q", info.SecurityOptions)
	}
	if _, ok := info.RegistryConfig["AllowNondistributableArtifactsCIDRs"]; !ok || info.BridgeNfIptables == nil || *info.BridgeNfIptables {
		t.Errorf("API 1.46 info lacks its legacy fields: %s", b)
	}
	if _, ok := info.ContainerdCommit["Expected"]; !ok {
		t.Errorf("API 1.46 info: ContainerdCommit %v has no Expected", info.ContainerdCommit)
	}
	_, _, b = raw(t, d, "GET", "/info", nil)
	if strings.Contains(string(b), "BridgeNfIptables") || strings.Contains(string(b), "AllowNondistributable") {
		t.Errorf("current info has the legacy fields: %s", b)
	}
}
