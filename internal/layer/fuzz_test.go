package layer

import (
	"archive/tar"
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/containerd/errdefs"
)

// fuzzTar turns the fuzzer's text into a layer tar, one entry per line:
// a type letter, then the name, then for links "\t" and the target; the
// rest of a file line after "\t" is its content. Letting the fuzzer write
// names and link targets directly (rather than raw tar bytes, whose
// checksums it rarely gets right) aims it at the confinement logic.
func fuzzTar(script string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, line := range strings.Split(script, "\n") {
		if line == "" {
			continue
		}
		name, arg, _ := strings.Cut(line[1:], "\t")
		hdr := &tar.Header{Name: name, Mode: 0o644, Format: tar.FormatPAX}
		body := ""
		switch line[0] {
		case 'd':
			hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o755
		case 'l':
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, arg
		case 'h':
			hdr.Typeflag, hdr.Linkname = tar.TypeLink, arg
		default:
			hdr.Typeflag, body = tar.TypeReg, arg
			hdr.Size = int64(len(body))
		}
		if tw.WriteHeader(hdr) != nil {
			return buf.Bytes() // a name tar cannot hold: a truncated layer
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	return buf.Bytes()
}

// FuzzApply: whatever a layer tar holds, Apply never panics, never writes
// outside its directory (a sibling directory with a canary file stays as
// it was, nothing else appears next to them) and never links a file inside
// to one outside; what it refuses it refuses as an invalid argument.
func FuzzApply(f *testing.F) {
	if os.Geteuid() != 0 {
		f.Skip("needs root: layers hold device nodes and foreign owners")
	}
	for _, s := range []string{
		"fa\thello\nde\nfe/b\tworld\n",
		"l/x\t../outside\nf/x/canary\tpwned\n",
		"lx\t/\nfx/../outside/canary\tpwned\n",
		"f../outside/canary\tpwned\n",
		"f/abs\tdata\nh/hard\t/abs\n",
		"h../outside/canary\t../outside/canary\n",
		"hin\t../outside/canary\n",
		"hpasswd\t/etc/passwd\n",
		"ld\t../outside\nfd/.wh.canary\t\n",
		"dd\nfd/.wh..wh..opq\t\nld/l\t.\nfd/l/l/l/x\tdeep\n",
		"la\tb\nlb\ta\nfa/x\tloop\n",
		"fa\t1\nla\t../outside\nfa/canary\t2\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		top := t.TempDir()
		root, outside := filepath.Join(top, "root"), filepath.Join(top, "outside")
		canary := filepath.Join(outside, "canary")
		if err := os.Mkdir(root, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(outside, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(canary, []byte("canary"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Apply(context.Background(), root, bytes.NewReader(fuzzTar(script))); err != nil && !errdefs.IsInvalidArgument(err) {
			t.Logf("Apply: %v", err) // an I/O error on odd input is fine; escaping is not
		}
		checkConfined(t, top, root, canary)
	})
}

// checkConfined fails the test when anything under top changed outside
// root, or a file in root is a hard link to one outside it.
func checkConfined(t *testing.T, top, root, canary string) {
	t.Helper()
	if data, err := os.ReadFile(canary); err != nil || string(data) != "canary" {
		t.Fatalf("the canary outside the layer changed: %q %v", data, err)
	}
	var cst syscall.Stat_t
	if err := syscall.Lstat(canary, &cst); err != nil {
		t.Fatal(err)
	}
	if cst.Nlink != 1 {
		t.Fatalf("the canary has %d links: one is inside the layer", cst.Nlink)
	}
	entries, err := os.ReadDir(top)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "root" && e.Name() != "outside" {
			t.Fatalf("Apply made %s next to its directory", e.Name())
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(canary)); len(entries) != 1 {
		t.Fatalf("Apply wrote into the directory next to its own: %v", entries)
	}
	// Every name of a file inside must be inside too: a hard link count
	// above the names found here means a link to a file elsewhere.
	type inode struct{ dev, ino uint64 }
	names, nlink := map[inode]int{}, map[inode]uint64{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		var st syscall.Stat_t
		if syscall.Lstat(p, &st) != nil {
			return nil
		}
		if st.Ino == cst.Ino && st.Dev == cst.Dev {
			t.Fatalf("%s is the canary", p)
		}
		k := inode{st.Dev, st.Ino}
		names[k]++
		nlink[k] = st.Nlink
		return nil
	})
	for k, n := range names {
		if uint64(n) != nlink[k] {
			t.Fatalf("a file inside has %d links but %d names inside: linked to one outside", nlink[k], n)
		}
	}
}
