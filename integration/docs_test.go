package integration

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/berth/berth/internal/testutil"
	"github.com/berth/berth/internal/testutil/need"
)

// systemSocket is the socket the README names; blocks get the test
// daemon's instead.
const systemSocket = "unix:///run/berth/berth.sock"

// docPages lists the pages whose ```sh blocks TestDocsBlocks runs: the
// README first, as a new user reads it, then docs/ in name order.
func docPages(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(pages)
	return append([]string{"../README.md"}, pages...)
}

// docsWant are outputs each page's blocks must print: what shows that the
// examples did what the page says, beyond exiting 0.
var docsWant = map[string][]string{
	"../README.md": {
		"hello\n",               // run --rm busybox echo hello
		"hello from berth\n",    // curl on the published port: an HTTP response
		"1 packets received",    // ping by name on a user network
		"kept\n",                // the volume kept its file
		"built\n",               // the built image's CMD
		"Successfully built ",   // the classic builder's last line
		"Loaded image: mybox:1", // load of the saved archive
	},
	"../docs/builds.md":     {"hi from the build\nand from the context\n", "not in the image: .dockerignore", "built from stdin\n"},
	"../docs/cli.md":        {"NAMES     STATE     tier\nfmt       RUNNING   web\n", "status 3\nstatus 127\nstatus 125\nstatus 1\n", "complete -o default -F __start_berth berth", "tabme\n:4\n"},
	"../docs/compose.md":    {"db Up ", "(healthy)", "ready\n", "web\n", "hello from compose\n", "hello compose\n"},
	"../docs/containers.md": {"you in /tmp as nobody\n", "refused, as asked\n", "exit status 3\n", "from exec\n", "A /tmp/note.txt\n"},
	"../docs/images.md":     {"hi\n", "made\n", "Loaded image: busybox:latest\n"},
	"../docs/networks.md":   {"1 packets received", "db 10.123.0.2/24", "2 networks\n", "404\n"},
	"../docs/volumes.md":    {"one\n", "local docs\n", "passwd\n", "from-host\n"},
}

// TestDocsBlocks runs every ```sh block of the README and docs/ as a user
// who pasted it into a shell would, after hack/install.sh: busybox:latest
// is there, berth and docker reach the daemon through DOCKER_HOST. Blocks
// run in an empty directory and must leave it empty; the daemon, and with
// it every container, image, network and volume, goes when the test ends.
func TestDocsBlocks(t *testing.T) {
	bash := need.Command(t, "bash", "bash")
	for _, p := range []struct{ name, pkg string }{
		{"curl", "curl"}, {"docker-registry", "docker-registry"}, {"docker", "docker.io"}, {"docker-compose", "docker-compose"},
	} {
		need.Command(t, p.name, p.pkg)
	}
	testutil.SkipIfNoBusybox(t)
	// The quick start uses fixed host ports; another program on them would
	// answer in its place.
	for _, port := range []string{"8080", "5000"} {
		l, err := net.Listen("tcp", ":"+port)
		if err != nil {
			need.Missing(t, "", "port %s is in use (%v); the README's blocks use it", port, err)
		}
		l.Close()
	}
	d := testutil.StartDaemon(t)
	importBusybox(t, d, "busybox:latest", `CMD ["sh"]`)
	bin := testutil.BuildBinaries(t)
	env := append(cleanDocsEnv(), "DOCKER_HOST="+d.Host(), "DOCKER_CONFIG="+t.TempDir(),
		"PATH="+bin+":"+os.Getenv("PATH"), "HOME="+t.TempDir())

	for _, page := range docPages(t) {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		for _, b := range shellBlocks(filepath.Base(page), string(data)) {
			out.WriteString(runBlock(t, bash, env, d.Host(), b))
		}
		for _, want := range docsWant[page] {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: the blocks' output lacks %q:\n%s", page, want, out.String())
			}
		}
	}
}

// runBlock runs one block with bash -e in a fresh directory and returns
// what it printed. Whatever the block started in the background is
// killed with its process group afterwards.
func runBlock(t *testing.T, bash string, env []string, host string, b docBlock) string {
	t.Helper()
	dir := t.TempDir()
	script := strings.ReplaceAll(b.Text, systemSocket, host)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	where := fmt.Sprintf("%s:%d", b.File, b.Line)
	if err != nil {
		t.Fatalf("%s: block failed after %v: %v\n--- block\n%s--- output\n%s", where, time.Since(start).Round(time.Millisecond), err, b.Text, out.String())
	}
	t.Logf("%s: ok in %v\n%s", where, time.Since(start).Round(time.Millisecond), out.String())
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("%s: the block left %v behind in its directory; it should clean up", where, names)
	}
	return out.String()
}

// cleanDocsEnv is the environment without what would send a client to
// another daemon or config.
func cleanDocsEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "DOCKER_") || strings.HasPrefix(name, "BERTH_") || name == "PATH" || name == "HOME" {
			continue
		}
		env = append(env, kv)
	}
	return env
}
