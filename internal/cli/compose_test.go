package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestComposeHelpAndErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"compose", "--help"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("compose --help: exit %d: %s", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "Usage:  berth compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker\n") {
		t.Errorf("compose --help:\n%s", out.String())
	}
	out.Reset()
	errOut.Reset()
	// Compose's usage errors exit 1 with compose's words.
	if code := Run(context.Background(), []string{"compose", "ps", "--bogus"}, strings.NewReader(""), &out, &errOut); code != 1 || errOut.String() != "unknown flag: --bogus\n" {
		t.Errorf("compose ps --bogus: exit %d, %q", code, errOut.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"--help"}, strings.NewReader(""), &out, &errOut); code != 0 || !strings.Contains(out.String(), "compose") {
		t.Errorf("berth --help does not list compose:\n%s", out.String())
	}
}
