package layer

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

type tarEntry struct {
	name     string
	typ      byte
	link     string
	body     string
	uid, gid int
	mode     int64
	xattrs   map[string]string
}

func readTar(t *testing.T, data []byte) []tarEntry {
	t.Helper()
	var out []tarEntry
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		e := tarEntry{name: hdr.Name, typ: hdr.Typeflag, link: hdr.Linkname, body: string(body),
			uid: hdr.Uid, gid: hdr.Gid, mode: hdr.Mode}
		for k, v := range hdr.PAXRecords {
			if len(k) > len(paxXattr) && k[:len(paxXattr)] == paxXattr {
				if e.xattrs == nil {
					e.xattrs = map[string]string{}
				}
				e.xattrs[k[len(paxXattr):]] = v
			}
		}
		out = append(out, e)
	}
}

func names(entries []tarEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.name)
	}
	return out
}

func diffOf(t *testing.T, u Upper) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := u.Diff(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDiff(t *testing.T) {
	u := newUpper(t, []string{"f:etc/passwd=x", "f:etc/shadow=s", "f:opt/a=1", "f:hosts=h"})
	u.Mountpoints = []string{"proc", "etc/hostname"}
	mkTree(t, u.Dir, "f:etc/passwd=y", "w:etc/shadow", "o:opt", "f:opt/b=2", "l:etc/link>/etc/passwd",
		"d:proc", "f:etc/hostname=", "f:data/one=same")
	p := filepath.Join(u.Dir, "data")
	if err := os.Link(filepath.Join(p, "one"), filepath.Join(p, "two")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(filepath.Join(p, "one"), 1000, 1001); err != nil {
		t.Fatal(err)
	}
	if err := unix.Setxattr(filepath.Join(p, "one"), "user.note", []byte("kept"), 0); err != nil {
		t.Fatal(err)
	}
	// overlayfs's own marks never leave the host.
	if err := unix.Setxattr(filepath.Join(u.Dir, "etc"), "trusted.overlay.impure", []byte("y"), 0); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2021, 5, 6, 7, 8, 9, 500, time.UTC)
	os.Chtimes(filepath.Join(u.Dir, "etc/passwd"), mtime, mtime)

	data := diffOf(t, u)
	entries := readTar(t, data)
	want := []string{"data/", "data/one", "data/two", "etc/", "etc/link", "etc/passwd", "etc/.wh.shadow",
		"opt/", "opt/.wh..wh..opq", "opt/b"}
	if got := names(entries); !reflect.DeepEqual(got, want) {
		t.Fatalf("entries:\n got %q\nwant %q", got, want)
	}
	byName := map[string]tarEntry{}
	for _, e := range entries {
		byName[e.name] = e
	}
	if e := byName["data/one"]; e.uid != 1000 || e.gid != 1001 || e.xattrs["user.note"] != "kept" || e.body != "same" {
		t.Errorf("data/one lost its metadata: %+v", e)
	}
	if e := byName["data/two"]; e.typ != tar.TypeLink || e.link != "data/one" {
		t.Errorf("hardlink not kept: %+v", e)
	}
	if e := byName["etc/"]; len(e.xattrs) != 0 {
		t.Errorf("overlay xattrs archived: %v", e.xattrs)
	}
	if e := byName["etc/link"]; e.typ != tar.TypeSymlink || e.link != "/etc/passwd" {
		t.Errorf("symlink: %+v", e)
	}
	if e := byName["etc/.wh.shadow"]; e.typ != tar.TypeReg || e.body != "" {
		t.Errorf("whiteout entry: %+v", e)
	}

	// Apply gives back the same layer.
	out := t.TempDir()
	if _, err := applyBytes(out, data); err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(filepath.Join(out, "etc/shadow"), &st); err != nil || !isWhiteout(&st) {
		t.Errorf("whiteout not restored: %v", err)
	}
	d, err := os.Open(filepath.Join(out, "opt"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if !isOpaque(d) {
		t.Error("opaque dir not restored")
	}
	info, err := os.Stat(filepath.Join(out, "etc/passwd"))
	if err != nil || !info.ModTime().Equal(mtime.Truncate(time.Second)) {
		t.Errorf("mtime: %v %v", info.ModTime(), err)
	}
	a, _ := os.Stat(filepath.Join(out, "data/one"))
	b, _ := os.Stat(filepath.Join(out, "data/two"))
	if !os.SameFile(a, b) {
		t.Error("hardlink not restored")
	}
}

func TestDiffNeverStarted(t *testing.T) {
	u := Upper{Dir: filepath.Join(t.TempDir(), "missing")}
	if entries := readTar(t, diffOf(t, u)); len(entries) != 0 {
		t.Fatalf("empty layer has entries: %q", names(entries))
	}
}

func TestDiffDoesNotFollowLinks(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("host"), 0o600); err != nil {
		t.Fatal(err)
	}
	u := newUpper(t)
	mkTree(t, u.Dir, "l:etc>"+filepath.Dir(secret), "l:s>"+secret)
	for _, e := range readTar(t, diffOf(t, u)) {
		if e.typ != tar.TypeSymlink || e.body != "" {
			t.Errorf("entry %q archived through a link: %+v", e.name, e)
		}
	}
}

// TestDiffLeavesOutManagedEtc checks that a container which changed
// nothing but whose runtime made the mount targets of the managed /etc
// files gives a layer without an etc/ entry, as Docker's (whose init
// layer holds them): the image has etc/, the upper only the empty files.
func TestDiffLeavesOutManagedEtc(t *testing.T) {
	u := newUpper(t, []string{"f:etc/passwd=x", "f:tmp/keep=k"})
	u.Mountpoints = []string{"etc", "etc/hosts", "etc/hostname", "etc/resolv.conf", "proc", "dev"}
	mkTree(t, u.Dir, "f:etc/hosts=", "f:etc/hostname=", "f:etc/resolv.conf=", "d:proc", "f:tmp/new=n")
	lower, err := os.Stat(filepath.Join(u.Lowers[0], "etc"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(u.Dir, "etc"), lower.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
	if got, want := names(readTar(t, diffOf(t, u))), []string{"tmp/", "tmp/new"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("entries:\n got %q\nwant %q", got, want)
	}
	// A real change below etc/ brings the directory back.
	mkTree(t, u.Dir, "f:etc/motd=hi")
	if got, want := names(readTar(t, diffOf(t, u))), []string{"etc/", "etc/motd", "tmp/", "tmp/new"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("entries after a change in etc:\n got %q\nwant %q", got, want)
	}
	// So does a new mode on the directory itself.
	if err := os.Remove(filepath.Join(u.Dir, "etc/motd")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(u.Dir, "etc"), 0o700); err != nil {
		t.Fatal(err)
	}
	if got, want := names(readTar(t, diffOf(t, u))), []string{"etc/", "tmp/", "tmp/new"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("entries after chmod etc:\n got %q\nwant %q", got, want)
	}
}
