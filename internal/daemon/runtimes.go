package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	"github.com/berth/berth/internal/runtime"
	"github.com/containerd/errdefs"
)

// knownRuntimes are the OCI runtimes berthd looks for on PATH.
var knownRuntimes = []string{"crun", "runc"}

// setupRuntimes finds the OCI runtimes and picks the default: the one the
// config names, else the first that can run containers on this host. On a
// hybrid cgroup host crun refuses to run; if the cgroup layout can be fixed
// (and the fix is logged) crun is used, else runc.
func (d *Daemon) setupRuntimes(ctx context.Context) error {
	d.runtimes = map[string]runtime.Runtime{}
	for _, name := range knownRuntimes {
		path, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		d.runtimes[name] = runtime.New(name, path, filepath.Join(d.cfg.ExecRoot, "runtime", name))
	}
	if len(d.runtimes) == 0 {
		slog.Warn("no OCI runtime (crun or runc) on PATH: containers cannot start")
		return nil
	}
	if want := d.cfg.DefaultRuntime; want != "" {
		if _, ok := d.runtimes[want]; !ok {
			return fmt.Errorf("default-runtime %q is not installed (found %v)", want, d.runtimeNames())
		}
		d.defaultRuntime = want
		return nil
	}
	for _, name := range knownRuntimes {
		rt, ok := d.runtimes[name]
		if !ok {
			continue
		}
		checkCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := runtime.Works(checkCtx, rt)
		cancel()
		if err != nil && name == "crun" {
			if what, fixErr := runtime.FixHybridCgroups(); fixErr == nil && what != "" {
				slog.Info("changed the host's cgroup layout so that crun can run containers", "change", what)
				err = runtime.Works(ctx, rt)
			}
		}
		if err != nil {
			slog.Info("OCI runtime cannot run containers on this host; trying the next", "runtime", name, "reason", err)
			continue
		}
		d.defaultRuntime = name
		break
	}
	if d.defaultRuntime == "" {
		d.defaultRuntime = d.runtimeNames()[0]
	}
	slog.Info("default OCI runtime", "runtime", d.defaultRuntime)
	return nil
}

func (d *Daemon) runtimeNames() []string {
	var names []string
	for n := range d.runtimes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// runtimeFor resolves --runtime; empty means the default.
func (d *Daemon) runtimeFor(name string) (runtime.Runtime, error) {
	if name == "" {
		name = d.defaultRuntime
	}
	rt, ok := d.runtimes[name]
	if !ok {
		if name == "" {
			return rt, errdefs.ErrUnavailable.WithMessage("no OCI runtime is installed: install crun or runc")
		}
		return rt, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unknown or invalid runtime name: %s", name))
	}
	return rt, nil
}
