package compose

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	dockercli "github.com/docker/cli/cli"
)

func TestHelpIsComposes(t *testing.T) {
	var out, errOut bytes.Buffer
	cmd, err := NewCommand(func() string { return "unix:///nonexistent.sock" }, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if err != nil {
		t.Fatal(err)
	}
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	for _, want := range []string{
		"Usage:  compose [OPTIONS] COMMAND",
		"Define and run multi-container applications with Docker",
		"-f, --file stringArray",
		"--profile stringArray",
		"\n  up          Create and start containers\n",
		"Run 'compose COMMAND --help' for more information on a command.",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
}

func TestUnknownFlagIsComposeUsageError(t *testing.T) {
	var out, errOut bytes.Buffer
	cmd, err := NewCommand(func() string { return "unix:///nonexistent.sock" }, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if err != nil {
		t.Fatal(err)
	}
	cmd.SetArgs([]string{"ps", "--no-such-flag"})
	err = cmd.Execute()
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
