package builder

import (
	"io"

	"github.com/containerd/errdefs"
)

// stderrWriter marks what a RUN command writes to its standard error as
// Docker's classic builder does: each chunk wrapped in the terminal's
// bright-red colour (ESC[91m … ESC[0m), which the docker CLI prints as is.
type stderrWriter struct{ w io.Writer }

func (s stderrWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	buf := make([]byte, 0, len(p)+9)
	buf = append(append(append(buf, "\x1b[91m"...), p...), "\x1b[0m"...)
	if _, err := s.w.Write(buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// StepError is a RUN step whose command exited non-zero, in Docker's words.
// Its exit status travels as the code of the build stream's errorDetail,
// which the docker CLI exits with.
type StepError struct {
	msg  string
	code int
}

func (e *StepError) Error() string { return e.msg }

// ExitCode is the failed command's exit status.
func (e *StepError) ExitCode() int { return e.code }

// Unwrap gives the error its class: the build failed for a reason of its
// own, neither the client's nor a missing thing.
func (e *StepError) Unwrap() error { return errdefs.ErrUnknown }
