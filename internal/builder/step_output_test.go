package builder

import (
	"bytes"
	"errors"
	"testing"

	"github.com/containerd/errdefs"
)

func TestStderrWriterWrapsEachChunk(t *testing.T) {
	var buf bytes.Buffer
	w := stderrWriter{&buf}
	for _, s := range []string{"one\n", "", "two\n"} {
		if n, err := w.Write([]byte(s)); err != nil || n != len(s) {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if got, want := buf.String(), "\x1b[91mone\n\x1b[0m\x1b[91mtwo\n\x1b[0m"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStepErrorCarriesExitCode(t *testing.T) {
	var err error = &StepError{msg: "The command 'false' returned a non-zero code: 1", code: 1}
	var coded interface{ ExitCode() int }
	if !errors.As(err, &coded) || coded.ExitCode() != 1 || !errdefs.IsUnknown(err) {
		t.Errorf("%v: code or class lost", err)
	}
}
