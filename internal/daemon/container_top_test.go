package daemon

import (
	"context"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

func TestContainerTopRefusals(t *testing.T) {
	d, _ := listFixture(t)
	ctx := context.Background()
	_, err := d.ContainerTop(ctx, "db", "")
	if !errdefs.IsConflict(err) || !strings.HasSuffix(err.Error(), "is not running") {
		t.Errorf("stopped: %v", err)
	}
	if _, err := d.ContainerTop(ctx, "web", "-o user=PID"); !errdefs.IsInvalidArgument(err) || err.Error() != `specifying "user=PID" is not allowed` {
		t.Errorf("renamed pid column: %v", err)
	}
	if _, err := d.ContainerTop(ctx, "ghost", ""); !errdefs.IsNotFound(err) {
		t.Errorf("ghost: %v", err)
	}
}

func TestStatsStopped(t *testing.T) {
	d, cs := listFixture(t)
	for _, stream := range []bool{false, true} {
		ch, err := d.ContainerStats(context.Background(), "db", stream)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := <-ch
		if !ok || s.ID != cs["db"].ID || s.Name != "/db" || s.OSType != "linux" || !s.Read.IsZero() || s.MemoryStats.Usage != 0 {
			t.Errorf("sample %+v", s)
		}
		if _, more := <-ch; more {
			t.Error("channel not closed after the empty sample")
		}
	}
}
