package images

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/berth/berth/internal/mount"
)

// ClearBuildTmp empties <data-root>/builder/tmp at start. Nothing there
// outlives the build that made it, so whatever is found (the context spool
// of a build cut short with the daemon, a layer view still mounted) is a
// leftover of an earlier run.
func (s *Service) ClearBuildTmp() error {
	dir := filepath.Join(s.buildDir, "tmp")
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := removeBuildTmp(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	if len(entries) > 0 {
		slog.Info("removed build leftovers of an earlier run", "count", len(entries))
	}
	return nil
}

// removeBuildTmp removes one scratch entry. A view is a read-only overlay
// of image layers: it is taken off first, never removed through.
func removeBuildTmp(p string) error {
	if err := mount.Unmount(p); err != nil {
		return err
	}
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("removing build leftover: %w", err)
	}
	return nil
}
