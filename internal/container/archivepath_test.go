package container

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLocate(t *testing.T) {
	rootfs := t.TempDir()
	for _, dir := range []string{"data", "srv/www", "etc"} {
		if err := os.MkdirAll(filepath.Join(rootfs, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Links in the image: one onto the volume, one trying to climb out of
	// the root filesystem (it stays inside, so it reaches no mount).
	if err := os.Symlink("/data", filepath.Join(rootfs, "shortcut")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../../data", filepath.Join(rootfs, "climb")); err != nil {
		t.Fatal(err)
	}
	mounts := []MountRoot{
		{Destination: "/data", Root: "/vol/data/_data"},
		{Destination: "/srv", Root: "/host/srv", ReadOnly: true},
		{Destination: "/srv/www/cache", Root: "/proc/42/root", ContainerRoot: true},
	}
	for _, tc := range []struct {
		path, root, inRoot, name, dest string
	}{
		{"/etc/passwd", rootfs, "/etc/passwd", "passwd", ""},
		{"etc/", rootfs, "/etc/", "etc", ""},
		{"/", rootfs, "/", "/", ""},
		{"/data", "/vol/data/_data", "/", "data", "/data"},
		{"/data/", "/vol/data/_data", "/", "data", "/data"},
		{"/data/.", "/vol/data/_data", "/.", ".", "/data"},
		{"/data/sub/file", "/vol/data/_data", "/sub/file", "file", "/data"},
		{"/data/../etc/hosts", rootfs, "/etc/hosts", "hosts", ""},
		{"/database", rootfs, "/database", "database", ""},
		{"/srv/www/index.html", "/host/srv", "/www/index.html", "index.html", "/srv"},
		{"/srv/www/cache/x", "/proc/42/root", "/srv/www/cache/x", "x", "/srv/www/cache"},
		{"/shortcut/file", "/vol/data/_data", "/file", "file", "/data"},
		{"/climb/file", "/vol/data/_data", "/file", "file", "/data"},
		{"/shortcut", rootfs, "/shortcut", "shortcut", ""}, // the link itself is in the rootfs
	} {
		loc, err := Locate(rootfs, mounts, tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		dest := ""
		if loc.Mount != nil {
			dest = loc.Mount.Destination
		}
		if loc.Root != tc.root || loc.Path != tc.inRoot || loc.Name != tc.name || dest != tc.dest {
			t.Errorf("%s: got root %s path %s name %s mount %q; want %s %s %s %q", tc.path, loc.Root, loc.Path, loc.Name, dest, tc.root, tc.inRoot, tc.name, tc.dest)
		}
	}
}

func TestLocationContainerPath(t *testing.T) {
	vol := Location{Mount: &MountRoot{Destination: "/data", Root: "/v"}}
	if got := vol.ContainerPath("/sub/target"); got != "/data/sub/target" {
		t.Errorf("volume: %s", got)
	}
	whole := Location{Mount: &MountRoot{Destination: "/tmp/t", Root: "/proc/1/root", ContainerRoot: true}}
	if got := whole.ContainerPath("/tmp/t/x"); got != "/tmp/t/x" {
		t.Errorf("container root: %s", got)
	}
	if got := (Location{}).ContainerPath("/etc/x"); got != "/etc/x" {
		t.Errorf("rootfs: %s", got)
	}
}
