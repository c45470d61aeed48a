package layer

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

func lstat(t *testing.T, p string) *syscall.Stat_t {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return &st
}

func TestApplyTree(t *testing.T) {
	s := newSandbox(t)
	n := s.mustApply(t, dirItem("bin/"), file("bin/sh", "#!shell"), hardlink("bin/ash", "bin/sh"),
		symlink("bin/bash", "sh"), symlink("abs", "/nonexistent/anywhere"), file("usr/lib/x.so", "12345"))
	if n != int64(len("#!shell")+len("12345")) {
		t.Errorf("size = %d, want %d (hardlink counted once)", n, len("#!shell")+len("12345"))
	}
	if got := readFile(t, s.path("bin/sh")); got != "#!shell" {
		t.Errorf("bin/sh = %q", got)
	}
	if a, b := lstat(t, s.path("bin/sh")), lstat(t, s.path("bin/ash")); a.Ino != b.Ino || a.Nlink != 2 {
		t.Errorf("bin/ash is not a hardlink of bin/sh")
	}
	if target, _ := os.Readlink(s.path("bin/bash")); target != "sh" {
		t.Errorf("bin/bash -> %q", target)
	}
	if target, _ := os.Readlink(s.path("abs")); target != "/nonexistent/anywhere" {
		t.Errorf("abs -> %q", target)
	}
	// Parents missing from the archive are created 0755.
	if st := lstat(t, s.path("usr/lib")); st.Mode&0o7777 != 0o755 {
		t.Errorf("implicit usr/lib mode = %o", st.Mode&0o7777)
	}
}

func TestApplyOwnershipModesTimes(t *testing.T) {
	s := newSandbox(t)
	dirTime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	d := dirItem("d/")
	d.Uid, d.Gid, d.Mode, d.ModTime = 1001, 1002, 0o1777, dirTime
	suid := file("d/suid", "x")
	suid.Uid, suid.Gid, suid.Mode = 1003, 1004, 0o4755
	sgid := file("d/sgid", "x")
	sgid.Gid, sgid.Mode = 50, 0o2711
	link := symlink("d/link", "suid")
	link.Uid, link.Gid = 7, 8
	s.mustApply(t, d, suid, sgid, link)

	check := func(rel string, uid, gid, mode uint32) {
		t.Helper()
		st := lstat(t, s.path(rel))
		if st.Uid != uid || st.Gid != gid || (mode != 0 && st.Mode&0o7777 != mode) {
			t.Errorf("%s: uid %d gid %d mode %o, want %d %d %o", rel, st.Uid, st.Gid, st.Mode&0o7777, uid, gid, mode)
		}
	}
	check("d", 1001, 1002, 0o1777)
	check("d/suid", 1003, 1004, 0o4755)
	check("d/sgid", 0, 50, 0o2711)
	check("d/link", 7, 8, 0)

	for rel, want := range map[string]time.Time{"d": dirTime, "d/suid": testTime, "d/link": testTime} {
		st := lstat(t, s.path(rel))
		if got := time.Unix(st.Mtim.Unix()); !got.Equal(want) {
			t.Errorf("%s mtime = %v, want %v", rel, got, want)
		}
	}
}

func TestApplyDevices(t *testing.T) {
	s := newSandbox(t)
	mk := func(typ byte, name string, maj, min int64) item {
		return item{Header: tar.Header{Typeflag: typ, Name: name, Mode: 0o620, Devmajor: maj, Devminor: min, ModTime: testTime}}
	}
	s.mustApply(t, mk(tar.TypeChar, "dev/null", 1, 3), mk(tar.TypeBlock, "dev/sda", 8, 0), mk(tar.TypeFifo, "fifo", 0, 0))
	for rel, want := range map[string]struct{ kind, rdev uint64 }{
		"dev/null": {syscall.S_IFCHR, 1<<8 | 3}, "dev/sda": {syscall.S_IFBLK, 8 << 8}, "fifo": {syscall.S_IFIFO, 0},
	} {
		st := lstat(t, s.path(rel))
		if uint64(st.Mode&syscall.S_IFMT) != want.kind || st.Rdev != want.rdev || st.Mode&0o777 != 0o620 {
			t.Errorf("%s: mode %o rdev %d, want kind %o rdev %d perm 620", rel, st.Mode, st.Rdev, want.kind, want.rdev)
		}
	}
}

func TestApplyXattrs(t *testing.T) {
	s := newSandbox(t)
	f := file("ping", "elf")
	f.Mode = 0o755
	caps := "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	f.PAXRecords = map[string]string{"SCHILY.xattr.user.note": "hello", "SCHILY.xattr.security.capability": caps,
		"SCHILY.xattr.trusted.mark": "t"}
	s.mustApply(t, f)
	for name, want := range map[string]string{"user.note": "hello", "security.capability": caps, "trusted.mark": "t"} {
		buf := make([]byte, 64)
		n, err := syscall.Getxattr(s.path("ping"), name, buf)
		if err != nil || string(buf[:n]) != want {
			t.Errorf("xattr %s = %q, %v; want %q", name, buf[:max(n, 0)], err, want)
		}
	}
}

func TestApplyReplace(t *testing.T) {
	s := newSandbox(t)
	n := s.mustApply(t,
		file("f", "first version"), file("f", "v2"), // later file wins
		dirItem("d/"), file("d/child", "c"), file("d", "now a file"), // dir replaced by file
		file("g", "g"), dirItem("g/"), file("g/in", "i"), // file replaced by dir
		symlink("l", "/"), dirItem("l/"), file("l/etc", "e"), // symlink replaced by dir
		dirItem("m/"), file("m/keep", "k"), item{Header: tar.Header{Typeflag: tar.TypeDir, Name: "m/", Mode: 0o700, ModTime: testTime}},
	)
	for rel, want := range map[string]string{"f": "v2", "d": "now a file", "g/in": "i", "l/etc": "e", "m/keep": "k"} {
		if got := readFile(t, s.path(rel)); got != want {
			t.Errorf("%s = %q, want %q", rel, got, want)
		}
	}
	if st := lstat(t, s.path("l")); st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
		t.Errorf("l is not a directory")
	}
	if st := lstat(t, s.path("m")); st.Mode&0o7777 != 0o700 {
		t.Errorf("merged dir m mode = %o, want 700", st.Mode&0o7777)
	}
	// Replaced files no longer count ("first version", "g"); d/child's byte still does, as
	// content removed with a directory is not subtracted.
	if want := int64(len("v2") + len("c") + len("now a file") + len("i") + len("e") + len("k")); n != want {
		t.Errorf("size = %d, want %d", n, want)
	}
}

func TestApplyRootEntryAndGlobalHeader(t *testing.T) {
	s := newSandbox(t)
	root := dirItem("./")
	root.Mode = 0o750
	glob := item{Header: tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header",
		PAXRecords: map[string]string{"comment": "x"}}}
	s.mustApply(t, glob, root, file("a", "a"))
	if st := lstat(t, s.dir); st.Mode&0o777 != 0o750 || !time.Unix(st.Mtim.Unix()).Equal(testTime) {
		t.Errorf("root mode %o mtime %v", st.Mode&0o777, time.Unix(st.Mtim.Unix()))
	}
	if _, err := os.Lstat(s.path("pax_global_header")); err == nil {
		t.Error("global header extracted as a file")
	}
}

func TestApplyCanceled(t *testing.T) {
	s := newSandbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Apply(ctx, s.dir, bytes.NewReader(buildTar(t, file("a", "a"))))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Lstat(s.path("a")); err == nil {
		t.Fatal("entry written after cancellation")
	}
}

func TestApplyDrainsStream(t *testing.T) {
	s := newSandbox(t)
	b := append(buildTar(t, file("a", "a")), make([]byte, 10000)...)
	r := bytes.NewReader(b)
	if _, err := Apply(context.Background(), s.dir, r); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(r); len(rest) != 0 {
		t.Fatalf("%d bytes left unread", len(rest))
	}
}

func TestApplyEmptyStream(t *testing.T) {
	s := newSandbox(t)
	if n, err := applyBytes(s.dir, nil); err != nil || n != 0 {
		t.Fatalf("empty layer: %d, %v", n, err)
	}
}
