package network

import (
	"testing"

	"github.com/containerd/errdefs"
)

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"app", "my_project_default", "a.b-c", "x1", "9net"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"../x", "a/b", "..", ".x", "-x", "x y", "", "ü1"} {
		err := CheckName(bad)
		if !errdefs.IsInvalidArgument(err) {
			t.Errorf("CheckName(%q) = %v, want invalid argument", bad, err)
			continue
		}
		if want := bad + ` includes invalid characters, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`; err.Error() != want {
			t.Errorf("CheckName(%q) = %q, want %q", bad, err, want)
		}
	}
}
