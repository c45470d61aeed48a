package testutil

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// RemoveTree unmounts everything mounted at or below root (deepest first, so
// a leftover overlay or bind mount cannot make the removal fail or, worse,
// reach into another filesystem) and then removes root.
func RemoveTree(root string) error {
	root = filepath.Clean(root)
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	points, err := MountPointsUnder(f, root)
	f.Close()
	if err != nil {
		return err
	}
	var errs []error
	for _, mp := range points {
		if err := syscall.Unmount(mp, syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOENT) {
			errs = append(errs, fmt.Errorf("unmount %s: %w", mp, err))
		}
	}
	if err := os.RemoveAll(root); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// MountPointsUnder reads a mountinfo table (proc(5)) and returns the mount
// points at or below root, deepest first.
func MountPointsUnder(mountinfo io.Reader, root string) ([]string, error) {
	root = filepath.Clean(root)
	var points []string
	sc := bufio.NewScanner(mountinfo)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountPath(fields[4])
		if mp == root || strings.HasPrefix(mp, root+"/") {
			points = append(points, mp)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	// A longer path is never the parent of a shorter one. Mounts stacked on
	// one point appear once per layer; each unmount takes off the top one.
	sort.SliceStable(points, func(i, j int) bool { return len(points[i]) > len(points[j]) })
	return points, nil
}

// unescapeMountPath undoes the octal escapes (\040 for a space, ...) the
// kernel writes in mountinfo paths.
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
