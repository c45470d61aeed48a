package layer

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil/need"
	"golang.org/x/sys/unix"
)

// mkTree fills dir from a compact description: "d:path" a directory,
// "f:path=body" a file, "l:path>target" a symlink, "w:path" a whiteout
// device, "o:path" an opaque directory.
func mkTree(t *testing.T, dir string, specs ...string) {
	t.Helper()
	need.Root(t, "whiteout devices and trusted xattrs")
	for _, s := range specs {
		kind, rest := s[:1], s[2:]
		var err error
		switch kind {
		case "d", "o":
			p := filepath.Join(dir, rest)
			err = os.MkdirAll(p, 0o755)
			if err == nil && kind == "o" {
				err = unix.Setxattr(p, opaqueXattr, []byte(opaqueXattrVal), 0)
			}
		case "f":
			name, body, _ := strings.Cut(rest, "=")
			p := filepath.Join(dir, name)
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.WriteFile(p, []byte(body), 0o644)
			}
		case "l":
			name, target, _ := strings.Cut(rest, ">")
			p := filepath.Join(dir, name)
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.Symlink(target, p)
			}
		case "w":
			p := filepath.Join(dir, rest)
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = unix.Mknod(p, unix.S_IFCHR, 0)
			}
		default:
			t.Fatalf("bad spec %q", s)
		}
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func changesOf(t *testing.T, u Upper) []string {
	t.Helper()
	got, err := u.Changes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range got {
		out = append(out, []string{"C", "A", "D"}[c.Kind]+" "+c.Path)
	}
	return out
}

func newUpper(t *testing.T, lowers ...[]string) Upper {
	t.Helper()
	base := t.TempDir()
	u := Upper{Dir: filepath.Join(base, "upper")}
	if err := os.Mkdir(u.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, specs := range lowers {
		d := filepath.Join(base, "lower", string(rune('a'+i)))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		mkTree(t, d, specs...)
		u.Lowers = append(u.Lowers, d)
	}
	return u
}

func TestChanges(t *testing.T) {
	u := newUpper(t,
		[]string{"d:bin", "f:etc/passwd=root", "d:var/lib", "d:tmp", "f:opt/app/a=1", "f:opt/app/b=2"}, // top
		[]string{"f:etc/group=x", "f:etc/shadow=s", "d:usr/share"},
	)
	mkTree(t, u.Dir,
		"f:etc/new=n",                     // added in an existing dir: parent modified
		"f:etc/passwd=root2",              // modified
		"w:etc/shadow",                    // deleted (from the lower layer)
		"d:srv/www", "f:srv/www/index=hi", // new tree: every path added
		"d:tmp",     // copied up, nothing changed inside: not listed
		"o:opt/app", // opaque: a and b are gone, c is new
		"f:opt/app/c=3",
		"w:usr/share",
	)
	want := []string{
		"C /etc", "A /etc/new", "C /etc/passwd", "D /etc/shadow",
		"C /opt", "C /opt/app", "D /opt/app/a", "D /opt/app/b", "A /opt/app/c",
		"A /srv", "A /srv/www", "A /srv/www/index",
		"C /usr", "D /usr/share",
	}
	if got := changesOf(t, u); !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n got %q\nwant %q", got, want)
	}
}

func TestChangesMetadataOnlyDir(t *testing.T) {
	u := newUpper(t, []string{"d:data"})
	mkTree(t, u.Dir, "d:data")
	if got := changesOf(t, u); len(got) != 0 {
		t.Fatalf("unchanged copy-up listed: %q", got)
	}
	if err := os.Chmod(filepath.Join(u.Dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	if got := changesOf(t, u); !reflect.DeepEqual(got, []string{"C /data"}) {
		t.Fatalf("chmod not seen: %q", got)
	}
}

func TestChangesHiddenLowers(t *testing.T) {
	// A path deleted or hidden in a higher image layer does not exist
	// below the container: writing it again is an addition.
	u := newUpper(t,
		[]string{"w:a", "o:b", "f:c=file"},
		[]string{"f:a=old", "f:b/x=old", "f:c/y=old"},
	)
	mkTree(t, u.Dir, "f:a=new", "f:b/x=new", "d:c", "f:c/y=new")
	want := []string{"A /a", "C /b", "A /b/x", "C /c", "A /c/y"}
	if got := changesOf(t, u); !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n got %q\nwant %q", got, want)
	}
}

func TestChangesMountpoints(t *testing.T) {
	u := newUpper(t, []string{"f:bin/sh=x", "f:etc/hosts=image's"})
	u.Mountpoints = []string{"etc", "etc/hosts", "etc/hostname", "etc/resolv.conf", "proc", "dev"}
	// What runc leaves: empty mount targets for files the image lacks.
	mkTree(t, u.Dir, "f:etc/hostname=", "f:etc/resolv.conf=", "d:proc", "d:dev")
	if got := changesOf(t, u); len(got) != 0 {
		t.Fatalf("mount targets listed: %q", got)
	}
	// Real content is shown, as is a changed file the image has.
	mkTree(t, u.Dir, "f:proc/x=1", "f:etc/hosts=mine")
	want := []string{"C /etc", "C /etc/hosts", "A /proc", "A /proc/x"}
	if got := changesOf(t, u); !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n got %q\nwant %q", got, want)
	}
}

func TestChangesNeverStarted(t *testing.T) {
	u := Upper{Dir: filepath.Join(t.TempDir(), "missing")}
	if got := changesOf(t, u); len(got) != 0 {
		t.Fatalf("changes of a container that never ran: %q", got)
	}
}

func TestChangesDoNotFollowLinks(t *testing.T) {
	// The container replaced /etc with a link to the host's root: the
	// link is the change, nothing behind it is read.
	u := newUpper(t, []string{"f:etc/passwd=x"})
	mkTree(t, u.Dir, "l:etc>/", "l:lib>../../../../..")
	want := []string{"C /etc", "A /lib"}
	if got := changesOf(t, u); !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n got %q\nwant %q", got, want)
	}
}
