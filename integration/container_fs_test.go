package integration

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil"
)

// TestContainerFilesystem drives docker diff, commit, export and cp (both
// ways, running and stopped) through the docker CLI.
func TestContainerFilesystem(t *testing.T) {
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)

	docker(t, d, "run", "--name", "fs", "busybox", "sh", "-c",
		"echo new > /etc/new && rm /bin/true && mkdir -p /srv/www && echo hi > /srv/www/index && ln -s / /srv/root")
	diff := strings.Split(strings.TrimSpace(docker(t, d, "diff", "fs")), "\n")
	t.Logf("docker diff: %q", diff)
	for _, want := range []string{"C /etc", "A /etc/new", "C /bin", "D /bin/true", "A /srv", "A /srv/www/index"} {
		if !slices.Contains(diff, want) {
			t.Errorf("docker diff lacks %q: %q", want, diff)
		}
	}
	for _, line := range diff {
		if strings.Contains(line, "/etc/hosts") || strings.Contains(line, "/etc/hostname") || strings.Contains(line, "/proc") {
			t.Errorf("docker diff shows a runtime mount target: %q", line)
		}
	}

	// commit, then run the image: the change is there, the deletion too.
	id := strings.TrimSpace(docker(t, d, "commit", "-m", "msg", "-a", "me", "-c", "ENV X=1", "fs", "committed:v1"))
	if !strings.HasPrefix(id, "sha256:") {
		t.Fatalf("commit printed %q", id)
	}
	if got := docker(t, d, "run", "--rm", "committed:v1", "sh", "-c", "cat /etc/new; echo $X; test -e /bin/true || echo gone"); got != "new\n1\ngone\n" {
		t.Errorf("committed image: %q", got)
	}
	if got := docker(t, d, "inspect", "-f", "{{.Comment}} {{.Author}} {{len .RootFS.Layers}}", "committed:v1"); got != "msg me 2\n" {
		t.Errorf("committed image inspect: %q", got)
	}

	// export: the whole tree, links as links, no mount contents.
	out := filepath.Join(t.TempDir(), "fs.tar")
	docker(t, d, "export", "-o", out, "fs")
	names := tarNames(t, out)
	for _, want := range []string{"bin/busybox", "etc/new", "srv/www/index", "srv/root"} {
		if !slices.Contains(names, want) {
			t.Errorf("export lacks %s", want)
		}
	}

	// cp out of a stopped container, through a link to "/" that must not
	// lead to the host.
	dst := t.TempDir()
	docker(t, d, "cp", "fs:/srv/www", dst)
	if b, _ := os.ReadFile(filepath.Join(dst, "www/index")); string(b) != "hi\n" {
		t.Errorf("cp out: %q", b)
	}
	docker(t, d, "cp", "fs:/srv/root/etc/new", filepath.Join(dst, "new"))
	if b, _ := os.ReadFile(filepath.Join(dst, "new")); string(b) != "new\n" {
		t.Errorf("cp through a link: %q", b)
	}
	stderr := dockerFails(t, d, "cp", "fs:/nope", dst)
	if !strings.Contains(stderr, "Could not find the file /nope in container fs") {
		t.Errorf("cp of a missing path: %q", stderr)
	}

	// cp into a running container, then read it back with exec.
	docker(t, d, "run", "-d", "--name", "live", "busybox", "sleep", "300")
	src := filepath.Join(t.TempDir(), "payload")
	os.WriteFile(src, []byte("payload\n"), 0o644)
	docker(t, d, "cp", src, "live:/tmp/")
	if got := docker(t, d, "exec", "live", "cat", "/tmp/payload"); got != "payload\n" {
		t.Errorf("cp into a running container: %q", got)
	}
	docker(t, d, "cp", src, "live:/tmp/renamed")
	if got := docker(t, d, "exec", "live", "cat", "/tmp/renamed"); got != "payload\n" {
		t.Errorf("cp to a new name: %q", got)
	}
	docker(t, d, "cp", "live:/tmp/payload", filepath.Join(dst, "back"))
	if b, _ := os.ReadFile(filepath.Join(dst, "back")); string(b) != "payload\n" {
		t.Errorf("cp out of a running container: %q", b)
	}
	docker(t, d, "rm", "-f", "live")
}

func tarNames(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, strings.TrimSuffix(hdr.Name, "/"))
	}
}
