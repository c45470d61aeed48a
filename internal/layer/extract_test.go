package layer

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/containerd/errdefs"
)

func extract(t *testing.T, root, dir string, opts ExtractOptions, items ...item) error {
	t.Helper()
	return Extract(context.Background(), root, dir, bytes.NewReader(buildTar(t, items...)), opts)
}

func TestExtract(t *testing.T) {
	root, _ := containerRoot(t)
	err := extract(t, root, "/tmp", ExtractOptions{},
		dirItem("./"), dirItem("d"), file("d/a", "A"), hardlink("d/b", "d/a"),
		symlink("d/l", "/etc/passwd"), file(".wh.x", "not a whiteout"))
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "tmp/d/a")); got != "A" {
		t.Errorf("file: %q", got)
	}
	a, _ := os.Stat(filepath.Join(root, "tmp/d/a"))
	b, _ := os.Stat(filepath.Join(root, "tmp/d/b"))
	if !os.SameFile(a, b) {
		t.Error("hardlink not made")
	}
	if got := readFile(t, filepath.Join(root, "tmp/.wh.x")); got != "not a whiteout" {
		t.Errorf(".wh. file: %q", got)
	}
	if target, _ := os.Readlink(filepath.Join(root, "tmp/d/l")); target != "/etc/passwd" {
		t.Errorf("symlink: %q", target)
	}
}

func TestExtractOwner(t *testing.T) {
	root, _ := containerRoot(t)
	f := file("f", "x")
	f.Uid, f.Gid = 7, 8
	if err := extract(t, root, "/tmp", ExtractOptions{Owner: &Owner{UID: 1000, GID: 1001}}, f); err != nil {
		t.Fatal(err)
	}
	if uid, gid := owner(t, filepath.Join(root, "tmp/f")); uid != 1000 || gid != 1001 {
		t.Errorf("owner %d:%d", uid, gid)
	}
	if err := extract(t, root, "/tmp", ExtractOptions{}, f); err != nil {
		t.Fatal(err)
	}
	if uid, gid := owner(t, filepath.Join(root, "tmp/f")); uid != 7 || gid != 8 {
		t.Errorf("archive's owner not kept: %d:%d", uid, gid)
	}
}

func owner(t *testing.T, p string) (int, int) {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}

func TestExtractNoOverwriteDirNonDir(t *testing.T) {
	root, _ := containerRoot(t)
	opts := ExtractOptions{NoOverwriteDirNonDir: true}
	if err := extract(t, root, "/", opts, file("etc", "x")); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("dir replaced by a file: %v", err)
	}
	if err := extract(t, root, "/etc", opts, dirItem("passwd")); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("file replaced by a dir: %v", err)
	}
	if err := extract(t, root, "/", ExtractOptions{}, file("tmp", "x")); err != nil {
		t.Errorf("without the option a dir is replaced: %v", err)
	}
}

func TestExtractPoint(t *testing.T) {
	root, _ := containerRoot(t)
	if err := extract(t, root, "/nope", ExtractOptions{}, file("f", "x")); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("missing dir: %v", err)
	}
	if err := extract(t, root, "/etc/passwd", ExtractOptions{}, file("f", "x")); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("file as extraction point: %v", err)
	}
	// A link to a directory is followed, inside the root.
	if err := extract(t, root, "/escape/tmp", ExtractOptions{}, file("via-link", "x")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "tmp/via-link")); err != nil {
		t.Error(err)
	}
}

func TestExtractStaysInside(t *testing.T) {
	root, secret := containerRoot(t)
	outside := filepath.Dir(secret)
	cases := map[string][]item{
		"link to root":     {file("escape"+outside+"/x", "pwned")},
		"relative link":    {file("up"+outside+"/x", "pwned")},
		"link to the file": {file("hostlink", "pwned")},
		"through new link": {symlink("l", outside), file("l/x", "pwned")},
		"overwrite secret": {symlink("l2", secret), hardlink("h", "l2"), file("l2", "pwned")},
	}
	for name, items := range cases {
		t.Run(name, func(t *testing.T) {
			if err := extract(t, root, "/", ExtractOptions{}, items...); err != nil {
				t.Logf("refused: %v", err)
			}
			assertOutside(t, outside)
		})
	}
	for _, bad := range []item{file("../x", "p"), file("a/../../x", "p"), hardlink("h2", "../outside/secret")} {
		err := extract(t, root, "/tmp", ExtractOptions{}, bad)
		if !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%s: %v, want invalid argument", bad.Name, err)
		}
		assertOutside(t, outside)
	}
	// The extraction point itself resolves inside the root (where the
	// first case made that path).
	if err := extract(t, root, "/escape"+outside, ExtractOptions{}, file("y", "p")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, outside, "y")); got != "p" {
		t.Errorf("extracted through a link to %q", got)
	}
	assertOutside(t, outside)
}

func assertOutside(t *testing.T, outside string) {
	t.Helper()
	entries, _ := os.ReadDir(outside)
	if len(entries) != 1 || entries[0].Name() != "secret" {
		t.Fatalf("outside dir changed: %v", entries)
	}
	if got := readFile(t, filepath.Join(outside, "secret")); got != "host data" {
		t.Fatalf("secret changed: %q", got)
	}
}
