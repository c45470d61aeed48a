package supervisor

import (
	"errors"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

func TestStartErrorInDockersWords(t *testing.T) {
	for _, in := range []string{
		"crun: executable file `nope` not found in $PATH: No such file or directory",
		`runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH`,
	} {
		code, err := startError(errors.New(in))
		if code != 127 || !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), `exec: "nope": executable file not found in $PATH`) {
			t.Errorf("%q → %d, %v", in, code, err)
		}
	}
	if code, _ := startError(errors.New("exec: /etc/passwd: permission denied")); code != 126 {
		t.Errorf("permission denied → %d", code)
	}
}
