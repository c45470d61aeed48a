package testutil

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"testing"
)

func readTar(t *testing.T, data []byte) (map[string]*tar.Header, map[string][]byte, []string) {
	t.Helper()
	headers := map[string]*tar.Header{}
	contents := map[string][]byte{}
	var order []string
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return headers, contents, order
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := headers[hdr.Name]; dup {
			t.Errorf("duplicate entry %q", hdr.Name)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		headers[hdr.Name] = hdr
		contents[hdr.Name] = b
		order = append(order, hdr.Name)
	}
}

func TestBusyboxRootfsDeterministic(t *testing.T) {
	SkipIfNoBusybox(t)
	var a, b bytes.Buffer
	if err := WriteBusyboxRootfs(&a, BusyboxPath); err != nil {
		t.Fatal(err)
	}
	if err := WriteBusyboxRootfs(&b, BusyboxPath); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two runs gave different bytes")
	}
	if !bytes.Equal(a.Bytes(), BusyboxRootfs(t)) {
		t.Fatal("BusyboxRootfs differs from WriteBusyboxRootfs")
	}
}

func TestBusyboxRootfsContents(t *testing.T) {
	headers, contents, _ := readTar(t, BusyboxRootfs(t))

	host, err := os.ReadFile(BusyboxPath)
	if err != nil {
		t.Fatal(err)
	}
	if bb := headers["bin/busybox"]; bb == nil || bb.Typeflag != tar.TypeReg || bb.Mode != 0o755 {
		t.Fatalf("bin/busybox: %+v", bb)
	}
	if !bytes.Equal(contents["bin/busybox"], host) {
		t.Error("bin/busybox differs from the host's busybox")
	}
	for _, applet := range []string{"sh", "ls", "cat", "nc", "env"} {
		hdr := headers["bin/"+applet]
		if hdr == nil || hdr.Typeflag != tar.TypeSymlink || hdr.Linkname != "busybox" {
			t.Errorf("bin/%s: want symlink to busybox, got %+v", applet, hdr)
		}
	}
	for _, dir := range rootfsDirs {
		hdr := headers[dir.name]
		if hdr == nil || hdr.Typeflag != tar.TypeDir || hdr.Mode != dir.mode {
			t.Errorf("%s: want dir mode %o, got %+v", dir.name, dir.mode, hdr)
		}
	}
	if string(contents["etc/passwd"]) != passwd || string(contents["etc/group"]) != group {
		t.Errorf("etc/passwd or etc/group wrong: %q %q", contents["etc/passwd"], contents["etc/group"])
	}
	for name, hdr := range headers {
		if !hdr.ModTime.Equal(FixtureTime) || hdr.Uid != 0 || hdr.Gid != 0 {
			t.Errorf("%s: mtime %v uid %d gid %d", name, hdr.ModTime, hdr.Uid, hdr.Gid)
		}
		if name == "busybox" || name == "bin/bin/busybox" {
			t.Errorf("unexpected entry %s", name)
		}
	}
	if _, ok := headers["bin/busybox"]; !ok || headers["bin/busybox"].Typeflag == tar.TypeSymlink {
		t.Error("bin/busybox must be the binary, not an applet link")
	}
}

func TestCheckBusyboxRejectsNonELF(t *testing.T) {
	if err := CheckBusybox("/etc/hostname"); err == nil {
		t.Fatal("want an error for a non-ELF file")
	}
}
