package layer

import (
	"os"
	"syscall"
	"testing"
)

func assertWhiteout(t *testing.T, p string) {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatalf("whiteout %s: %v", p, err)
	}
	st := info.Sys().(*syscall.Stat_t)
	if st.Mode&syscall.S_IFMT != syscall.S_IFCHR || st.Rdev != 0 {
		t.Fatalf("whiteout %s: mode %o rdev %d, want char device 0:0", p, st.Mode, st.Rdev)
	}
}

func opaque(t *testing.T, p string) string {
	t.Helper()
	buf := make([]byte, 16)
	n, err := syscall.Getxattr(p, opaqueXattr, buf)
	if err != nil {
		return ""
	}
	return string(buf[:n])
}

func TestWhiteoutFile(t *testing.T) {
	s := newSandbox(t)
	n := s.mustApply(t, dirItem("etc/"), item{Header: whiteoutHdr("etc/.wh.motd")},
		item{Header: whiteoutHdr(".wh.gone")}, item{Header: whiteoutHdr("deep/dir/.wh.x")})
	assertWhiteout(t, s.path("etc/motd"))
	assertWhiteout(t, s.path("gone"))
	assertWhiteout(t, s.path("deep/dir/x"))
	for _, p := range []string{"etc/.wh.motd", ".wh.gone"} {
		if _, err := os.Lstat(s.path(p)); err == nil {
			t.Errorf("%s was written literally", p)
		}
	}
	if n != 0 {
		t.Errorf("size = %d, want 0", n)
	}
}

func TestWhiteoutReplacesEarlierEntry(t *testing.T) {
	s := newSandbox(t)
	s.mustApply(t, file("a", "x"), dirItem("d"), file("d/f", "y"),
		item{Header: whiteoutHdr(".wh.a")}, item{Header: whiteoutHdr(".wh.d")})
	assertWhiteout(t, s.path("a"))
	assertWhiteout(t, s.path("d"))
}

func TestOpaqueDir(t *testing.T) {
	s := newSandbox(t)
	s.mustApply(t, dirItem("var/"), dirItem("var/cache/"), item{Header: whiteoutHdr("var/cache/.wh..wh..opq")},
		file("var/cache/new", "n"), item{Header: whiteoutHdr("implicit/.wh..wh..opq")})
	if got := opaque(t, s.path("var/cache")); got != "y" {
		t.Fatalf("var/cache opaque xattr = %q, want y", got)
	}
	if got := opaque(t, s.path("implicit")); got != "y" {
		t.Fatalf("implicit opaque xattr = %q, want y", got)
	}
	if got := opaque(t, s.path("var")); got != "" {
		t.Fatalf("var is opaque (%q), want not", got)
	}
	if _, err := os.Lstat(s.path("var/cache/.wh..wh..opq")); err == nil {
		t.Fatal("opaque marker written literally")
	}
	if got := readFile(t, s.path("var/cache/new")); got != "n" {
		t.Fatalf("var/cache/new = %q", got)
	}
}

func TestAufsMetaSkipped(t *testing.T) {
	s := newSandbox(t)
	s.mustApply(t, item{Header: whiteoutHdr(".wh..wh.plnk")}, dirItem(".wh..wh.aufs/"),
		file(".wh..wh.plnk/123.456", "x"), file("kept", "k"))
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "kept" {
		t.Fatalf("layer holds %v, want only kept", entries)
	}
}

func TestWhiteoutInvalidName(t *testing.T) {
	for _, name := range []string{".wh.", "a/.wh..."} {
		s := newSandbox(t)
		_, err := s.apply(t, item{Header: whiteoutHdr(name)})
		assertInvalid(t, err)
	}
}
