package daemon

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
)

// findShim locates the berth-shim binary: the configured path, else the
// one installed beside berthd, else one on PATH.
func findShim(configured string) (string, error) {
	if configured != "" {
		return configured, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "berth-shim")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("berth-shim"); err == nil {
		return p, nil
	}
	return "", errors.New("berth-shim not found beside berthd nor on PATH")
}

// findInit locates the init binary for --init. It must be static: it runs
// inside the container's filesystem, with none of the host's libraries.
func findInit(configured string) string {
	if configured != "" {
		return configured
	}
	for _, name := range []string{"docker-init", "tini-static"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
