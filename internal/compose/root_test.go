package compose

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Run is what berth execs: berth's global flags, "compose", then compose's.
func TestRunTakesBerthsArguments(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"compose", "--help"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("compose --help: exit %d: %s", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "Usage:  berth compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker\n") {
		t.Errorf("compose --help:\n%s", out.String())
	}

	out.Reset()
	errOut.Reset()
	if code := Run(context.Background(), []string{"--host=unix:///x.sock", "compose", "ps", "--bogus"}, strings.NewReader(""), &out, &errOut); code != 1 || errOut.String() != "unknown flag: --bogus\n" {
		t.Errorf("compose ps --bogus: exit %d, %q", code, errOut.String())
	}
}

func TestRunUsesTheHostBerthResolves(t *testing.T) {
	for _, tc := range []struct {
		name, env, want string
		args            []string
	}{
		{"flag over env", "unix:///env.sock", "unix:///flag.sock", []string{"--host=unix:///flag.sock", "compose", "ls"}},
		{"env", "unix:///env.sock", "unix:///env.sock", []string{"compose", "ls"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", tc.env)
			var out, errOut bytes.Buffer
			code := Run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut)
			if code != 1 || !strings.Contains(errOut.String(), "failed to connect to the docker API at "+tc.want+";") {
				t.Errorf("exit %d, %q; want a failure to reach %s", code, errOut.String(), tc.want)
			}
		})
	}
}

func TestRunAloneSaysHowToUseIt(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), nil, strings.NewReader(""), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "use 'berth compose --help'") {
		t.Errorf("exit %d, %q", code, errOut.String())
	}
}
