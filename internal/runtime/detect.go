package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// candidates are the runtimes Detect looks for, in order of preference:
// runc first, as Docker does.
var candidates = []string{"runc", "crun"}

// Detect finds a runtime binary: preferred (a name on $PATH or a path)
// when given, otherwise the first of runc and crun on $PATH. The result
// has no Root; the daemon sets it.
func Detect(preferred string) (Runtime, error) {
	names := candidates
	if preferred != "" {
		names = []string{preferred}
	}
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return Runtime{Name: filepath.Base(name), Path: path}, nil
		}
	}
	if preferred != "" {
		return Runtime{}, fmt.Errorf("OCI runtime %q not found", preferred)
	}
	return Runtime{}, errors.New("no OCI runtime found: install runc or crun")
}

// unifiedControllers is the cgroup2 mount of a hybrid host.
const unifiedControllers = "/sys/fs/cgroup/unified/cgroup.controllers"

// hybridControllers returns the controllers bound to cgroup2 on a hybrid
// host (v1 hierarchies plus cgroup2 at /sys/fs/cgroup/unified).
func hybridControllers() []string {
	data, err := os.ReadFile(unifiedControllers)
	if err != nil {
		return nil
	}
	return strings.Fields(string(data))
}

func isCrun(r Runtime) bool {
	return strings.Contains(filepath.Base(r.Path), "crun") || r.Name == "crun"
}

// Works reports whether r can run containers on this host, cheaply: the
// binary must answer --version, and crun must not face a hybrid cgroup
// host whose cgroup2 holds controllers (it refuses every container there:
// "cgroups in hybrid mode not supported").
func Works(ctx context.Context, r Runtime) error {
	cmd := exec.CommandContext(ctx, r.Path, "--version")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s --version: %v: %s", r.Path, err, strings.TrimSpace(string(out)))
	}
	if ctrls := hybridControllers(); isCrun(r) && len(ctrls) > 0 {
		return fmt.Errorf("%s: cgroups in hybrid mode not supported: cgroup2 at /sys/fs/cgroup/unified holds controllers %s",
			r.Name, strings.Join(ctrls, ","))
	}
	return nil
}

// FixHybridCgroups moves every controller bound to the hybrid cgroup2
// hierarchy to a cgroup v1 hierarchy of its own, mounted at
// /sys/fs/cgroup/<controller>, so that crun accepts the host. A controller
// moves only while cgroup2 does not use it, which is the case on a fresh
// host (hugetlb sits there unused). It returns what it did, for the log,
// or "" when there was nothing to do.
func FixHybridCgroups() (string, error) {
	ctrls := hybridControllers()
	var done []string
	for _, c := range ctrls {
		dir := filepath.Join("/sys/fs/cgroup", c)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return describe(done), err
		}
		if err := unix.Mount("cgroup", dir, "cgroup", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, c); err != nil {
			os.Remove(dir)
			return describe(done), fmt.Errorf("mount cgroup v1 %s at %s: %w", c, dir, err)
		}
		done = append(done, c)
	}
	if left := hybridControllers(); len(left) > 0 {
		return describe(done), fmt.Errorf("cgroup2 still holds controllers %s", strings.Join(left, ","))
	}
	return describe(done), nil
}

func describe(ctrls []string) string {
	if len(ctrls) == 0 {
		return ""
	}
	return fmt.Sprintf("mounted cgroup v1 hierarchies for %s under /sys/fs/cgroup, moving them out of the hybrid cgroup2 hierarchy (crun refuses hybrid cgroups)",
		strings.Join(ctrls, ","))
}
