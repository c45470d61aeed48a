package testutil

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil/need"
)

// BusyboxPath is where Debian's busybox-static installs its binary.
const BusyboxPath = "/bin/busybox"

// FixtureTime is the modification time of every entry in generated
// fixtures, so the same inputs give the same bytes (and image IDs).
var FixtureTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	passwd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
	group  = "root:x:0:\nnobody:x:65534:\n"
)

// rootfsDirs are the directories of the busybox root filesystem, with their
// modes; tmp is world-writable and sticky as on any Linux system.
var rootfsDirs = []struct {
	name string
	mode int64
}{
	{"bin/", 0o755}, {"dev/", 0o755}, {"etc/", 0o755}, {"proc/", 0o555},
	{"root/", 0o700}, {"sys/", 0o555}, {"tmp/", 0o1777}, {"var/", 0o755},
}

// CheckBusybox returns an error unless path is a statically linked
// executable: a dynamically linked one would not run inside a container
// whose root filesystem has no libc.
func CheckBusybox(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w (install busybox-static)", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked (install busybox-static)", path)
		}
	}
	return nil
}

// SkipIfNoBusybox stops the test (a skip, a failure in CI) unless the host
// has a static busybox at BusyboxPath.
func SkipIfNoBusybox(t testing.TB) {
	t.Helper()
	if err := CheckBusybox(BusyboxPath); err != nil {
		need.Missing(t, "busybox-static", "%v", err)
	}
}

// WriteBusyboxRootfs writes a tar of a minimal root filesystem: the busybox
// binary at bin/busybox, a symlink to it in bin/ for each applet it lists,
// the usual top-level directories, and etc/passwd and etc/group with root
// and nobody. Entries have fixed owners and times, so the same busybox
// always gives the same bytes.
func WriteBusyboxRootfs(w io.Writer, busybox string) error {
	if err := CheckBusybox(busybox); err != nil {
		return err
	}
	bin, err := os.ReadFile(busybox)
	if err != nil {
		return err
	}
	out, err := exec.Command(busybox, "--list").Output()
	if err != nil {
		return fmt.Errorf("%s --list: %w", busybox, err)
	}
	applets := strings.Fields(string(out))
	sort.Strings(applets)

	tw := tar.NewWriter(w)
	for _, dir := range rootfsDirs {
		if err := tw.WriteHeader(fixtureHeader(dir.name, tar.TypeDir, dir.mode, 0)); err != nil {
			return err
		}
	}
	if err := writeFile(tw, "bin/busybox", 0o755, bin); err != nil {
		return err
	}
	for _, applet := range applets {
		// "busybox" is itself in the list; applet names never hold a
		// slash, but a stray one must not escape bin/.
		if applet == "busybox" || strings.Contains(applet, "/") {
			continue
		}
		hdr := fixtureHeader("bin/"+applet, tar.TypeSymlink, 0o777, 0)
		hdr.Linkname = "busybox"
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
	}
	if err := writeFile(tw, "etc/passwd", 0o644, []byte(passwd)); err != nil {
		return err
	}
	if err := writeFile(tw, "etc/group", 0o644, []byte(group)); err != nil {
		return err
	}
	return tw.Close()
}

var busyboxTar struct {
	once sync.Once
	data []byte
	err  error
}

// BusyboxRootfs returns the tar WriteBusyboxRootfs makes from the host's
// busybox, built once per test process. It skips the test when there is no
// static busybox.
func BusyboxRootfs(t testing.TB) []byte {
	t.Helper()
	SkipIfNoBusybox(t)
	busyboxTar.once.Do(func() {
		var buf bytes.Buffer
		busyboxTar.err = WriteBusyboxRootfs(&buf, BusyboxPath)
		busyboxTar.data = buf.Bytes()
	})
	if busyboxTar.err != nil {
		t.Fatal(busyboxTar.err)
	}
	return busyboxTar.data
}

// BusyboxRootfsFile writes BusyboxRootfs to a file in the test's temporary
// directory and returns its path.
func BusyboxRootfsFile(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "busybox-rootfs.tar")
	if err := os.WriteFile(path, BusyboxRootfs(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fixtureHeader leaves the format to archive/tar, which picks plain USTAR
// when the entry fits it.
func fixtureHeader(name string, typ byte, mode, size int64) *tar.Header {
	return &tar.Header{
		Typeflag: typ,
		Name:     name,
		Mode:     mode,
		Size:     size,
		ModTime:  FixtureTime,
	}
}

func writeFile(tw *tar.Writer, name string, mode int64, data []byte) error {
	if err := tw.WriteHeader(fixtureHeader(name, tar.TypeReg, mode, int64(len(data)))); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}
