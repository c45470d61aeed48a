package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

const (
	testPasswd = "root:x:0:0:root:/root:/bin/sh\n" +
		"# a comment\n" +
		"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" +
		"alice:x:1000:1000:Alice:/home/alice:/bin/sh\n" +
		"nohome:x:1001:1001:::/bin/sh\n"
	testGroup = "root:x:0:root\n" +
		"bin:x:1:root,daemon\n" +
		"wheel:x:10:root,alice\n" +
		"alice:x:1000:\n" +
		"staff:x:50:alice\n"
)

func TestLookupUser(t *testing.T) {
	root := fakeRootfs(t, testPasswd, testGroup)
	tests := []struct {
		user     string
		groupAdd []string
		want     ExecUser
		err      string
	}{
		{user: "", want: ExecUser{UID: 0, GID: 0, Groups: []uint32{0, 1, 10}, Home: "/root"}},
		{user: "root", want: ExecUser{UID: 0, GID: 0, Groups: []uint32{0, 1, 10}, Home: "/root"}},
		{user: "alice", want: ExecUser{UID: 1000, GID: 1000, Groups: []uint32{10, 50}, Home: "/home/alice"}},
		{user: "1000", want: ExecUser{UID: 1000, GID: 1000, Groups: []uint32{10, 50}, Home: "/home/alice"}},
		// A named group replaces the implicit supplementary groups.
		{user: "alice:staff", want: ExecUser{UID: 1000, GID: 50, Home: "/home/alice"}},
		{user: "alice:4242", want: ExecUser{UID: 1000, GID: 4242, Home: "/home/alice"}},
		{user: "4242", want: ExecUser{UID: 4242, GID: 0, Home: "/"}},
		{user: "4242:4343", want: ExecUser{UID: 4242, GID: 4343, Home: "/"}},
		{user: "nohome", want: ExecUser{UID: 1001, GID: 1001, Home: "/"}},
		{user: "daemon", groupAdd: []string{"wheel", "77"}, want: ExecUser{UID: 1, GID: 1, Groups: []uint32{1, 10, 77}, Home: "/usr/sbin"}},
		{user: "nope", err: "unable to find user nope: no matching entries in passwd file"},
		{user: "alice:nogroup", err: "unable to find group nogroup: no matching entries in group file"},
		{user: "alice", groupAdd: []string{"ghosts"}, err: "unable to find group ghosts"},
	}
	for _, tt := range tests {
		t.Run(tt.user+strings.Join(tt.groupAdd, ","), func(t *testing.T) {
			got, err := LookupUser(root, tt.user, tt.groupAdd)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errdefs.IsInvalidArgument(err) {
					t.Fatalf("err = %v, want invalid argument %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.UID != tt.want.UID || got.GID != tt.want.GID || got.Home != tt.want.Home || !slices.Equal(got.Groups, tt.want.Groups) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLookupUserWithoutPasswd(t *testing.T) {
	root := fakeRootfs(t, "", "")
	if u, err := LookupUser(root, "", nil); err != nil || u.UID != 0 || u.Home != "/" {
		t.Errorf("empty user: %+v, %v", u, err)
	}
	if u, err := LookupUser(root, "123:456", nil); err != nil || u.UID != 123 || u.GID != 456 {
		t.Errorf("numeric user: %+v, %v", u, err)
	}
	if _, err := LookupUser(root, "bob", nil); err == nil {
		t.Error("a name without /etc/passwd must fail")
	}
}

// TestLookupUserConfined: an /etc/passwd linking out of the rootfs is read
// inside it, never from the host.
func TestLookupUserConfined(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(outside, []byte("evil:x:0:0::/evil:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "etc", "passwd")); err != nil {
		t.Fatal(err)
	}
	if _, err := LookupUser(root, "evil", nil); err == nil {
		t.Fatal("the host's file was read through the symlink")
	}
}
