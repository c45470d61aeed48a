package supervisor

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
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

func TestLogs(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "web-json.log")
	log := `{"log":"out\n","stream":"stdout","time":"2026-01-01T00:00:00Z"}
{"log":"err\n","stream":"stderr","time":"2026-01-01T00:00:01Z"}
`
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	quiet := h.add("quiet", apicontainer.HostConfig{LogConfig: apicontainer.LogConfig{Type: "none"}})
	if _, err := h.sup.Logs(ctx, quiet, path, backend.LogsOptions{Stdout: true}); !errdefs.IsNotImplemented(err) {
		t.Errorf("none driver: %v", err)
	}
	web := h.add("web", apicontainer.HostConfig{})
	read := func(opts backend.LogsOptions) []string {
		t.Helper()
		ch, err := h.sup.Logs(ctx, h.get(web.ID), path, opts)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for m := range ch {
			lines = append(lines, m.Stream+":"+string(m.Line))
		}
		return lines
	}
	if got := read(backend.LogsOptions{Stdout: true}); !slices.Equal(got, []string{"stdout:out\n"}) {
		t.Errorf("stdout only: %q", got)
	}
	// Following a container that is not running ends after what is there.
	if got := read(backend.LogsOptions{Stdout: true, Stderr: true, Follow: true}); len(got) != 2 {
		t.Errorf("follow, stopped: %q", got)
	}
	// Following a running one ends when its run exits.
	if err := h.sup.Start(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	done := make(chan []string)
	go func() { done <- read(backend.LogsOptions{Stderr: true, Follow: true}) }()
	select {
	case got := <-done:
		t.Fatalf("follow ended while running: %q", got)
	case <-time.After(200 * time.Millisecond):
	}
	h.rt.task(web.ID).exitWith(0, false)
	select {
	case got := <-done:
		if !slices.Equal(got, []string{"stderr:err\n"}) {
			t.Errorf("follow, running: %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("follow did not end with the run")
	}
}
