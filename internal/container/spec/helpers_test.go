package spec

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// allCaps is a host bounding set with every capability this package knows.
var allCaps = capsFromMask(1<<uint(len(capNames)) - 1)

// fakeHost makes the package see a host with the given bounding set and
// cgroup version for the rest of the test.
func fakeHost(t *testing.T, bounding []string, v2 bool) {
	t.Helper()
	oldB, oldV := hostBounding, cgroupV2
	hostBounding = func() ([]string, error) { return bounding, nil }
	cgroupV2 = func() bool { return v2 }
	t.Cleanup(func() { hostBounding, cgroupV2 = oldB, oldV })
}

// fakeRootfs makes a root filesystem holding only /etc/passwd and
// /etc/group with the given contents (none when empty).
func fakeRootfs(t *testing.T, passwd, group string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"passwd": passwd, "group": group} {
		if data == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// input is a minimal valid Input for tests, with hc's options.
func input(t *testing.T, hc *container.HostConfig) Input {
	t.Helper()
	if hc == nil {
		hc = &container.HostConfig{}
	}
	return Input{
		ID:          "c1",
		Config:      &container.Config{Cmd: []string{"sh"}},
		HostConfig:  hc,
		Rootfs:      fakeRootfs(t, "root:x:0:0:root:/root:/bin/sh\n", "root:x:0:\n"),
		Hostname:    "c1host",
		CgroupsPath: "/berth/c1",
	}
}

func generate(t *testing.T, in Input) *specs.Spec {
	t.Helper()
	s, err := Generate(in)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return s
}
