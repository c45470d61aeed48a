package cgroups

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	apicontainer "github.com/moby/moby/api/types/container"
)

func collect(cg Cgroup, stream bool, running func() bool) []apicontainer.StatsResponse {
	ch := make(chan apicontainer.StatsResponse, 4)
	go cg.Stream(context.Background(), apicontainer.StatsResponse{ID: "c"}, stream, running, nil, ch)
	var out []apicontainer.StatsResponse
	for s := range ch {
		out = append(out, s)
	}
	return out
}

func TestStream(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "cpuacct", "c", "cpuacct.usage")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("5\n"), 0o644)
	cg := New(root, "/c", false)

	// One sample, with the figures of an interval before as precpu.
	got := collect(cg, false, func() bool { return true })
	if len(got) != 1 || got[0].PreRead.IsZero() || !got[0].Read.After(got[0].PreRead) || got[0].PreCPUStats.CPUUsage.TotalUsage != 5 {
		t.Fatalf("one-shot: %+v", got)
	}
	// A stream ends when the container stops, after the first sample.
	got = collect(cg, true, func() bool { return false })
	if len(got) != 1 || got[0].Read.IsZero() {
		t.Fatalf("stream: %+v", got)
	}
	// One-shot of a container that stops meanwhile: the empty sample.
	got = collect(cg, false, func() bool { return false })
	if len(got) != 1 || !got[0].Read.IsZero() || got[0].ID != "c" {
		t.Fatalf("stopped: %+v", got)
	}
	// No cgroup at all: the empty sample at once.
	got = collect(New(root, "/gone", false), true, func() bool { return true })
	if len(got) != 1 || !got[0].Read.IsZero() {
		t.Fatalf("gone: %+v", got)
	}
}
