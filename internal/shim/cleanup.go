package shim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/berth/berth/internal/runtime"
)

// DeleteMode is the first argument that runs berth-shim as a one-shot
// cleanup (DeleteState) rather than a shim.
const DeleteMode = "delete"

// Cleanup removes what is left of a container whose shim is gone: it runs
// the shim binary in delete mode, which force-deletes the container's
// runtime state (killing any process still in it) and removes the shim's
// socket. Only ID, the runtime fields and Socket of cfg are used. A
// container the runtime does not know is success, so it can be repeated.
// It must not be used while the container's shim still runs.
func Cleanup(ctx context.Context, cfg LaunchConfig) error {
	cmd := exec.CommandContext(ctx, cfg.Binary, append([]string{DeleteMode}, cfg.deleteArgs()...)...)
	cmd.Env = []string{"GOMAXPROCS=1", "PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	if err == nil {
		return nil
	}
	if msg := strings.TrimSpace(string(out)); msg != "" {
		return fmt.Errorf("cleanup of container %s: %s", cfg.ID, msg)
	}
	return fmt.Errorf("cleanup of container %s: %w", cfg.ID, err)
}

// deleteArgs are the flags of delete mode.
func (c Config) deleteArgs() []string {
	return []string{
		"--id=" + c.ID, "--runtime-name=" + c.RuntimeName, "--runtime-path=" + c.RuntimePath,
		"--runtime-root=" + c.RuntimeRoot, "--socket=" + c.Socket,
	}
}

// ParseDeleteFlags reads the Config of delete mode from the command line
// after DeleteMode; only --id is required.
func ParseDeleteFlags(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("berth-shim delete", flag.ContinueOnError)
	c.flags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.ID == "" {
		return c, errors.New("--id is required")
	}
	return c, nil
}

// DeleteState is delete mode: runtime delete --force of cfg.ID, then the
// socket goes. A container the runtime does not know is already deleted.
func DeleteState(ctx context.Context, cfg Config) error {
	rt := runtime.Runtime{Name: cfg.RuntimeName, Path: cfg.RuntimePath, Root: cfg.RuntimeRoot}
	if err := rt.Delete(ctx, cfg.ID, true); err != nil && !errors.Is(err, runtime.ErrNotExist) {
		return err
	}
	if cfg.Socket != "" {
		if err := os.Remove(cfg.Socket); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}
