package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/berth/berth/internal/testutil/need"
	"golang.org/x/sys/unix"
)

func TestUsageErrors(t *testing.T) {
	f := newFakeEngine(t)
	for _, args := range [][]string{
		{"tag", "a"},
		{"images", "a", "b"},
		{"images", "--bogus"},
		{"history", "-H=maybe", "x"},
		{"rmi"},
		{"foo"},
		{"image", "foo"},
		{"system", "foo"},
		{"version", "extra"},
		{"image", "prune", "extra"},
		{"save"},
		{"load", "x"},
	} {
		f.sameAsDocker("", args...)
	}
	r := f.berth("", "tag", "a")
	want := "berth: 'berth tag' requires 2 arguments\n\nUsage:  berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nRun 'berth tag --help' for more information\n"
	if r.code != 1 || r.err != want {
		t.Errorf("tag usage: %+v", r)
	}
	if r := f.berth("", "images", "--bogus"); r.code != 125 {
		t.Errorf("flag error exit %d, docker exits 125", r.code)
	}
}

func TestGlobalFlagsAndHost(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /images/json", 200, `[]`)
	if r := f.berth("", "-D", "--log-level", "debug", "images", "-q"); r.code != 0 || r.out != "" {
		t.Errorf("global flags: %+v", r)
	}
	t.Setenv("DOCKER_HOST", f.host)
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"images", "-q"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Errorf("DOCKER_HOST not used: %d %s", code, errOut.String())
	}
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/berth.sock")
	errOut.Reset()
	if code := Run(context.Background(), []string{"images"}, strings.NewReader(""), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "/nonexistent/berth.sock") {
		t.Errorf("unreachable daemon: %d %q", code, errOut.String())
	}
}

func TestHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"images", "--help"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for _, want := range []string{"Usage:  berth images [OPTIONS] [REPOSITORY[:TAG]]", "-q, --quiet", "--digests"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	Run(context.Background(), []string{"image", "--help"}, strings.NewReader(""), &out, &errOut)
	if !strings.Contains(out.String(), "Usage:  berth image COMMAND") || !strings.Contains(out.String(), "  prune ") {
		t.Errorf("image help:\n%s", out.String())
	}
}

// openTerminal returns both ends of a new pseudo-terminal.
func openTerminal(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		need.Missing(t, "", "no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		need.Missing(t, "", "pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		need.Missing(t, "", "pseudo-terminal: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR, 0)
	if err != nil {
		need.Missing(t, "", "pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

func TestTerminalRefusals(t *testing.T) {
	f := newFakeEngine(t)
	_, tty := openTerminal(t)
	var errOut bytes.Buffer
	code := Run(context.Background(), []string{"-H", f.host, "save", "busybox"}, strings.NewReader(""), tty, &errOut)
	if code != 1 || errOut.String() != "cowardly refusing to save to a terminal. Use the -o flag or redirect\n" {
		t.Errorf("save to terminal: %d %q", code, errOut.String())
	}
	errOut.Reset()
	code = Run(context.Background(), []string{"-H", f.host, "load"}, tty, &bytes.Buffer{}, &errOut)
	if code != 1 || errOut.String() != "requested load from stdin, but stdin is empty\n" {
		t.Errorf("load from terminal: %d %q", code, errOut.String())
	}
}
