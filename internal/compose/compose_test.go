package compose

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	dockercli "github.com/docker/cli/cli"
	"github.com/spf13/cobra"
)

// newTree puts the compose command under a root, as berth does (compose's
// pre-run calls its root's first), with args to run.
func newTree(t *testing.T, out, errOut *bytes.Buffer, args ...string) *cobra.Command {
	t.Helper()
	cmd, err := NewCommand(func() string { return "unix:///nonexistent.sock" }, Streams{In: strings.NewReader(""), Out: out, ErrOut: errOut})
	if err != nil {
		t.Fatal(err)
	}
	root := &cobra.Command{Use: "berth", SilenceErrors: true, SilenceUsage: true, TraverseChildren: true}
	root.AddCommand(cmd)
	root.SetOut(out)
	root.SetErr(errOut)
	root.SetArgs(append([]string{"compose"}, args...))
	return root
}

func TestHelpIsComposes(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := newTree(t, &out, &errOut, "--help").Execute(); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	for _, want := range []string{
		"Usage:  berth compose [OPTIONS] COMMAND",
		"Define and run multi-container applications with Docker",
		"-f, --file stringArray",
		"--profile stringArray",
		"\n  up          Create and start containers\n",
		"Run 'berth compose COMMAND --help' for more information on a command.",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
}

func TestUnknownFlagIsComposeUsageError(t *testing.T) {
	var out, errOut bytes.Buffer
	err := newTree(t, &out, &errOut, "ps", "--no-such-flag").Execute()
	status, code, ok := ExitStatus(err)
	if !ok || code != 1 || status != "unknown flag: --no-such-flag" {
		t.Fatalf("got %q %d %v from %v", status, code, ok, err)
	}
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status string
		code   int
		ok     bool
	}{
		{dockercli.StatusError{StatusCode: 7}, "", 7, true},
		{fmt.Errorf("exec: %w", dockercli.StatusError{StatusCode: 0, Status: "failed"}), "failed", 1, true},
		{errors.New("plain"), "", 0, false},
	} {
		status, code, ok := ExitStatus(tc.err)
		if status != tc.status || code != tc.code || ok != tc.ok {
			t.Errorf("ExitStatus(%v) = %q, %d, %v; want %q, %d, %v", tc.err, status, code, ok, tc.status, tc.code, tc.ok)
		}
	}
}

// TestConfigMergesFiles checks the project model compose builds, which
// needs no daemon: several -f files with !override, include, profiles and
// the project's .env.
func TestConfigMergesFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"compose.yaml": `name: merged
include:
  - extra/compose.yaml
services:
  app:
    image: busybox
    command: ["echo", "${MESSAGE}"]
    ports: ["8080:80"]
    environment:
      A: "1"
  tool:
    image: busybox
    profiles: [tools]
`,
		"override.yaml": `services:
  app:
    ports: !override ["9090:90"]
    environment:
      B: "2"
`,
		"extra/compose.yaml": `services:
  sidecar:
    image: busybox:extra
`,
		".env": "MESSAGE=from-dotenv\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	config := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		root := newTree(t, &out, &errOut, append([]string{"--project-directory", dir, "-f", filepath.Join(dir, "compose.yaml"), "-f", filepath.Join(dir, "override.yaml")}, args...)...)
		if err := root.Execute(); err != nil {
			t.Fatalf("config %v: %v\n%s", args, err, errOut.String())
		}
		return out.String()
	}
	var model struct {
		Services map[string]struct {
			Command     []string
			Environment map[string]string
			Ports       []struct {
				Target    int
				Published string
			}
		}
	}
	if err := json.Unmarshal([]byte(config("config", "--format", "json")), &model); err != nil {
		t.Fatal(err)
	}
	app := model.Services["app"]
	if len(app.Command) != 2 || app.Command[1] != "from-dotenv" {
		t.Errorf(".env not applied: %v", app.Command)
	}
	if app.Environment["A"] != "1" || app.Environment["B"] != "2" {
		t.Errorf("environment not merged: %v", app.Environment)
	}
	if len(app.Ports) != 1 || app.Ports[0].Published != "9090" {
		t.Errorf("!override did not replace the ports: %+v", app.Ports)
	}
	if _, ok := model.Services["sidecar"]; !ok {
		t.Error("included service missing")
	}
	if _, ok := model.Services["tool"]; ok {
		t.Error("profile service shown without its profile")
	}
	if got := strings.Fields(config("--profile", "tools", "config", "--services")); !slices.Contains(got, "tool") {
		t.Errorf("--profile tools: %v", got)
	}
}
