package jsonlog

import (
	"context"
	"io"
)

// Replay writes what the log at path holds, each entry's line to stdout or
// stderr by its stream, for attach with logs=1. A nil writer drops its
// stream.
func Replay(ctx context.Context, path string, stdout, stderr io.Writer) {
	entries, _ := Read(ctx, path, ReadOptions{Tail: -1}, nil)
	for e := range entries {
		switch {
		case e.Stream == "stderr" && stderr != nil:
			stderr.Write(e.Line)
		case e.Stream != "stderr" && stdout != nil:
			stdout.Write(e.Line)
		}
	}
}
