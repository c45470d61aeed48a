package shim

import "errors"

// The sentinel errors a shim answers with. They cross the socket as their
// message; the client turns a known message back into the sentinel, so
// callers match them with errors.Is.
var (
	// ErrNotRunning is the answer to an op that needs a running
	// container (or exec process) after it exited.
	ErrNotRunning = errors.New("container is not running")
	// ErrCheckpointUnsupported is the answer to Checkpoint: the shim
	// has no checkpoint/restore (CRIU does not work on the hosts Berth
	// runs on), but the op exists so callers have a place for it.
	ErrCheckpointUnsupported = errors.New("checkpoint is not supported")
)

// sentinels are the errors the client recognises by message.
var sentinels = []error{ErrNotRunning, ErrCheckpointUnsupported}

// replyError is the error an answer's message stands for: a sentinel when
// it is one, else an error with that text.
func replyError(msg string) error {
	for _, e := range sentinels {
		if msg == e.Error() {
			return e
		}
	}
	return errors.New(msg)
}
