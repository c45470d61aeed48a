package supervisor

import (
	"testing"

	"github.com/berth/berth/internal/backend"
	"github.com/containerd/errdefs"
)

func TestReadOptions(t *testing.T) {
	ro, err := readOptions(backend.LogsOptions{Follow: true, Since: "1700000000", Until: "0", Tail: "5"})
	if err != nil || !ro.Follow || ro.Since.Unix() != 1700000000 || !ro.Until.IsZero() || ro.Tail != 5 {
		t.Errorf("got %+v %v", ro, err)
	}
	for _, tail := range []string{"", "all", "-3", "lots"} {
		if ro, _ := readOptions(backend.LogsOptions{Tail: tail}); ro.Tail != -1 {
			t.Errorf("tail %q read as %d", tail, ro.Tail)
		}
	}
	if _, err := readOptions(backend.LogsOptions{Since: "yesterday"}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad since: %v", err)
	}
}
