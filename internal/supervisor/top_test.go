package supervisor

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

// TestTop runs the host's ps for the pid the fake task reports (4242,
// most likely no process here: the rows may be empty, the header not).
func TestTop(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.add("web", apicontainer.HostConfig{})
	h.add("idle", apicontainer.HostConfig{})
	if _, err := h.sup.Top(ctx, "idle", ""); !errdefs.IsConflict(err) || !strings.HasSuffix(err.Error(), "is not running") {
		t.Errorf("not running: %v", err)
	}
	if _, err := h.sup.Top(ctx, "ghost", ""); !errdefs.IsNotFound(err) {
		t.Errorf("ghost: %v", err)
	}
	// The arguments are checked before the container is looked up, as
	// Docker does.
	if _, err := h.sup.Top(ctx, "ghost", "-o comm=PID"); !errdefs.IsInvalidArgument(err) || err.Error() != `specifying "comm=PID" is not allowed` {
		t.Errorf("renamed pid column: %v", err)
	}
	if err := h.sup.Start(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	if _, err := runPS(ctx, []string{"-ef"}, nil); err != nil {
		t.Skip("no usable ps:", err)
	}
	top, err := h.sup.Top(ctx, "web", "-o pid,comm")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(top.Titles, []string{"PID", "COMMAND"}) || !h.sawEvent("top") {
		t.Errorf("titles %v, top event %v", top.Titles, h.sawEvent("top"))
	}
	for _, p := range top.Processes {
		if p[0] != "4242" {
			t.Errorf("row of another process: %v", p)
		}
	}
}
