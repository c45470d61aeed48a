package jsonlog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestReplay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	log := `{"log":"out 1\n","stream":"stdout","time":"2026-01-01T00:00:00Z"}
{"log":"err 1\n","stream":"stderr","time":"2026-01-01T00:00:01Z"}
{"log":"out 2\n","stream":"stdout","time":"2026-01-01T00:00:02Z"}
`
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	Replay(context.Background(), path, &out, &errs)
	if out.String() != "out 1\nout 2\n" || errs.String() != "err 1\n" {
		t.Errorf("stdout %q stderr %q", out.String(), errs.String())
	}
	out.Reset()
	Replay(context.Background(), path, &out, nil) // stderr not asked for
	if out.String() != "out 1\nout 2\n" {
		t.Errorf("stdout alone %q", out.String())
	}
	Replay(context.Background(), filepath.Join(t.TempDir(), "none"), &out, &errs) // no log yet: nothing
}
