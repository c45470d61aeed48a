package layer

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func nlink(info os.FileInfo) uint64 { return uint64(info.Sys().(*syscall.Stat_t).Nlink) }

// victim puts a file in the outside dir for archives to aim at.
func (s sandbox) victim(t *testing.T) hostFile {
	t.Helper()
	p := filepath.Join(s.outside, "victim")
	if err := os.WriteFile(p, []byte("host data"), 0o644); err != nil {
		t.Fatal(err)
	}
	return snapshotHost(t, p)
}

// Escape attempts in these tests aim at the sandbox's outside dir, never at real host files:
// a broken Apply must fail the test, not damage the machine running it.

func TestAbsoluteNamesStayInside(t *testing.T) {
	s := newSandbox(t)
	s.mustApply(t, file(s.outside+"/x", "pwned"), file("//"+s.outside+"/y", "pwned"))
	for _, name := range []string{"x", "y"} {
		if got := readFile(t, s.path(s.outside+"/"+name)); got != "pwned" {
			t.Fatalf("absolute name not taken relative to the layer: %q", got)
		}
	}
}

func TestDotDotRefused(t *testing.T) {
	for _, name := range []string{"../outside/x", "../../x", "a/../../outside/x", "./../outside/x", ".."} {
		t.Run(name, func(t *testing.T) {
			s := newSandbox(t)
			_, err := s.apply(t, file(name, "pwned"))
			assertInvalid(t, err)
			if !strings.Contains(err.Error(), "escapes") {
				t.Errorf("error %q does not say what was wrong", err)
			}
		})
	}
}

func TestWriteThroughSymlinkStaysInside(t *testing.T) {
	cases := map[string]func(s sandbox) []item{
		"root": func(s sandbox) []item {
			return []item{symlink("evil", "/"), file("evil"+s.outside+"/x", "pwned")}
		},
		"absolute": func(s sandbox) []item {
			return []item{symlink("evil", s.outside), file("evil/x", "pwned")}
		},
		"relative": func(sandbox) []item {
			return []item{symlink("evil", "../outside"), file("evil/x", "pwned")}
		},
		"deep relative": func(s sandbox) []item {
			return []item{symlink("evil", "../../../../../../../../.."), file("evil"+s.outside+"/x", "pwned")}
		},
		"chain": func(sandbox) []item {
			return []item{dirItem("c"), symlink("c/up", "../.."), symlink("b", "c"), symlink("a", "b/up"),
				file("a/outside/x", "pwned")}
		},
		"dir via link": func(sandbox) []item {
			return []item{symlink("evil", "../outside"), dirItem("evil/sub")}
		},
		"link in parent": func(sandbox) []item {
			return []item{dirItem("d"), symlink("d/up", "../.."), dirItem("d/up/outside/sub"), file("d/up/outside/sub/x", "p")}
		},
		"overwrite victim": func(s sandbox) []item {
			return []item{symlink("evil", s.outside), file("evil/victim", "pwned")}
		},
	}
	for name, items := range cases {
		t.Run(name, func(t *testing.T) {
			s := newSandbox(t)
			v := s.victim(t)
			// Refusing is as good as confining; writing out is the only failure.
			_, _ = s.apply(t, items(s)...)
			v.assertUnchanged(t)
		})
	}
}

func TestSymlinkResolvedInsideRoot(t *testing.T) {
	s := newSandbox(t)
	s.mustApply(t, symlink("evil", "/"), file("evil"+s.outside+"/x", "pwned"))
	// The link is stored as given; the write went to <layer>/<outside>/x.
	if target, _ := os.Readlink(s.path("evil")); target != "/" {
		t.Fatalf("symlink target = %q, want /", target)
	}
	if got := readFile(t, s.path(s.outside+"/x")); got != "pwned" {
		t.Fatalf("write through symlink landed elsewhere: %q", got)
	}
}

func TestFileReplacesSymlinkNotItsTarget(t *testing.T) {
	s := newSandbox(t)
	v := s.victim(t)
	s.mustApply(t, symlink("evil", filepath.Join(s.outside, "victim")), file("evil", "pwned"))
	v.assertUnchanged(t)
	if info, err := os.Lstat(s.path("evil")); err != nil || !info.Mode().IsRegular() {
		t.Fatalf("evil is not a regular file: %v %v", info, err)
	}
}

func TestHardlinkOutsideRefused(t *testing.T) {
	s0 := newSandbox(t)
	cases := map[string][]item{
		"absolute":        {hardlink("x", "/etc/passwd")},
		"absolute inside": {file("etc/passwd", "layer"), hardlink("x", "/etc/passwd")},
		"absolute victim": {hardlink("x", s0.outside+"/victim")},
		"dotdot":          {hardlink("x", "../outside/victim")},
		"nested dotdot":   {dirItem("a"), hardlink("a/x", "a/../../outside/victim")},
		"via symlink":     {symlink("evil", "/etc"), hardlink("x", "evil/passwd")},
		"via rel symlink": {symlink("evil", "../outside"), hardlink("x", "evil/victim")},
	}
	for name, items := range cases {
		t.Run(name, func(t *testing.T) {
			s := newSandbox(t)
			passwd := snapshotHost(t, "/etc/passwd")
			v := s.victim(t)
			if name == "absolute victim" {
				items = []item{hardlink("x", s.outside+"/victim")}
			}
			_, err := s.apply(t, items...)
			assertInvalid(t, err)
			passwd.assertUnchanged(t)
			v.assertUnchanged(t)
		})
	}
}

func TestWhiteoutThroughSymlinkStaysInside(t *testing.T) {
	s := newSandbox(t)
	v := s.victim(t)
	_, _ = s.apply(t, symlink("evil", "../outside"), item{Header: whiteoutHdr("evil/.wh.victim")},
		item{Header: whiteoutHdr("evil/.wh..wh..opq")})
	v.assertUnchanged(t)
	if _, err := os.Lstat(filepath.Join(s.outside, "victim")); err != nil {
		t.Fatalf("whiteout removed a host file: %v", err)
	}
	buf := make([]byte, 8)
	if n, err := syscall.Getxattr(s.outside, opaqueXattr, buf); err == nil {
		t.Fatalf("opaque xattr set outside the layer: %q", buf[:n])
	}
}

func TestTruncatedTar(t *testing.T) {
	full := buildTar(t, file("a", strings.Repeat("x", 4096)), file("b", "bbb"))
	for _, cut := range []int{100, 512 + 1000, 512 + 4096 + 100} {
		s := newSandbox(t)
		_, err := applyBytes(s.dir, full[:cut])
		assertInvalid(t, err)
		if !strings.Contains(err.Error(), "unexpected EOF") {
			t.Errorf("cut at %d: error %q does not say unexpected EOF", cut, err)
		}
	}
}

func TestGarbageHeader(t *testing.T) {
	s := newSandbox(t)
	junk := []byte(strings.Repeat("not a tar header ", 64))
	_, err := applyBytes(s.dir, junk)
	assertInvalid(t, err)
	if !strings.Contains(err.Error(), "invalid tar header") {
		t.Errorf("error %q does not say invalid tar header", err)
	}
}

func TestReplacingDirDoesNotFollowLinksOut(t *testing.T) {
	s := newSandbox(t)
	v := s.victim(t)
	s.mustApply(t, dirItem("d/"), symlink("d/out", "../../outside"), symlink("d/abs", s.outside),
		file("d", "now a file"))
	v.assertUnchanged(t)
	if got := readFile(t, s.path("d")); got != "now a file" {
		t.Fatalf("d = %q", got)
	}
}
