package layer

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/containerd/errdefs"
)

// containerRoot is a root filesystem beside an "outside" dir holding a
// secret that no copy may read or change.
func containerRoot(t *testing.T) (root, secret string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	secret = filepath.Join(base, "outside", "secret")
	mkTree(t, base, "f:outside/secret=host data")
	mkTree(t, root, "f:etc/passwd=root:x:0:0", "f:etc/group=root:x:0:", "d:tmp",
		"l:escape>/", "l:up>../../../../..", "l:etc/passwd.link>../etc/passwd",
		"l:hostlink>"+secret, "l:dangling>/nowhere/x")
	return root, secret
}

func sourceTar(t *testing.T, root, p string) (*Source, []tarEntry) {
	t.Helper()
	s, err := OpenSource(root, p)
	if err != nil {
		t.Fatalf("OpenSource(%q): %v", p, err)
	}
	defer s.Close()
	var buf bytes.Buffer
	if err := s.WriteTar(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return s, readTar(t, buf.Bytes())
}

func TestSourceNames(t *testing.T) {
	root, _ := containerRoot(t)
	cases := map[string][]string{
		"/etc":              {"etc/", "etc/group", "etc/passwd", "etc/passwd.link"},
		"etc/":              {"etc/", "etc/group", "etc/passwd", "etc/passwd.link"},
		"/etc/.":            {"./", "./group", "./passwd", "./passwd.link"},
		"/etc/passwd":       {"passwd"},
		"/etc/../etc/group": {"group"},
		"/escape":           {"escape"}, // the link itself
		"/escape/etc/":      {"etc/", "etc/group", "etc/passwd", "etc/passwd.link"},
		"/up/etc/passwd":    {"passwd"},
	}
	for p, want := range cases {
		_, entries := sourceTar(t, root, p)
		if got := names(entries); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %q, want %q", p, got, want)
		}
	}
	_, entries := sourceTar(t, root, "/")
	if entries[0].name != "/" || entries[1].name != "/dangling" {
		t.Errorf("root archive names: %q", names(entries))
	}
}

func TestSourceStat(t *testing.T) {
	root, _ := containerRoot(t)
	for p, want := range map[string]string{
		"/escape": "/", "/up": "/", "/etc/passwd.link": "/etc/passwd",
		"/hostlink": "", "/dangling": "/nowhere/x",
	} {
		s, err := OpenSource(root, p)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if FileMode(s.Stat.Mode)&os.ModeSymlink == 0 {
			t.Errorf("%s: not reported as a link", p)
		}
		if want != "" && s.LinkTarget != want {
			t.Errorf("%s: link target %q, want %q", p, s.LinkTarget, want)
		}
	}
	s, err := OpenSource(root, "/etc/")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s.Name != "etc" || !FileMode(s.Stat.Mode).IsDir() {
		t.Errorf("stat of /etc/: %q %v", s.Name, FileMode(s.Stat.Mode))
	}
	for _, p := range []string{"/nope", "/etc/nope", "/escape/nope", "/dangling/"} {
		if _, err := OpenSource(root, p); !errors.Is(err, errdefs.ErrNotFound) {
			t.Errorf("%s: error %v, want not found", p, err)
		}
	}
	if _, err := OpenSource(root, "/etc/passwd/"); !errors.Is(err, errdefs.ErrInvalidArgument) {
		t.Errorf("file with a trailing slash: %v", err)
	}
}

func TestSourceStaysInside(t *testing.T) {
	root, secret := containerRoot(t)
	// The secret's own path, through every kind of link, from inside.
	for _, p := range []string{"/hostlink", "/hostlink/", "/escape" + secret, "/up" + secret, secret} {
		s, err := OpenSource(root, p)
		if err != nil {
			continue // not found inside the root: fine
		}
		var buf bytes.Buffer
		err = s.WriteTar(context.Background(), &buf)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(buf.Bytes(), []byte("host data")) {
			t.Errorf("%s: the host's file was archived", p)
		}
	}
}

func TestWriteTarExportNames(t *testing.T) {
	root, _ := containerRoot(t)
	d, err := os.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var buf bytes.Buffer
	if err := WriteTar(context.Background(), &buf, d, ".", ""); err != nil {
		t.Fatal(err)
	}
	entries := readTar(t, buf.Bytes())
	want := []string{"dangling", "escape", "etc/", "etc/group", "etc/passwd", "etc/passwd.link", "hostlink", "tmp/", "up"}
	if got := names(entries); !reflect.DeepEqual(got, want) {
		t.Errorf("export names: got %q, want %q", got, want)
	}
	for _, e := range entries {
		if e.typ == tar.TypeReg && e.body == "host data" {
			t.Error("export followed a link out of the root")
		}
	}
}
