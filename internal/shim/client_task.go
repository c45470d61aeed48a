package shim

import (
	"context"
	"encoding/json"
	"errors"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Pause freezes every process of the container (runtime pause). It is
// ErrNotRunning once the init exited; other refusals carry the runtime's
// words.
func (c *Client) Pause(ctx context.Context) error {
	return c.do(ctx, request{Op: "pause"}, nil)
}

// Resume thaws a paused container (runtime resume); errors as Pause.
func (c *Client) Resume(ctx context.Context) error {
	return c.do(ctx, request{Op: "resume"}, nil)
}

// Update applies resources to the running container (runtime update
// --resources): the limits given replace the container's, the others stay.
// It is ErrNotRunning once the init exited.
func (c *Client) Update(ctx context.Context, resources *specs.LinuxResources) error {
	if resources == nil {
		return errors.New("shim update: no resources given")
	}
	data, err := json.Marshal(resources)
	if err != nil {
		return err
	}
	return c.do(ctx, request{Op: "update", Resources: data}, nil)
}

// Pids returns the host pids of the container's processes (runtime ps),
// the init's among them; ErrNotRunning once the init exited.
func (c *Client) Pids(ctx context.Context) ([]int, error) {
	var r pidsReply
	err := c.do(ctx, request{Op: "pids"}, &r)
	return r.Pids, err
}

// Checkpoint would save the container's state to restore it later; the
// shim answers ErrCheckpointUnsupported, as CRIU does not work on the
// hosts Berth runs on. It runs nothing.
func (c *Client) Checkpoint(ctx context.Context) error {
	return c.do(ctx, request{Op: "checkpoint"}, nil)
}

// ExecKill sends sig to exec id's process if it still runs (a health
// check past its timeout); an exec that ended is no error.
func (c *Client) ExecKill(ctx context.Context, id string, sig syscall.Signal) error {
	return c.do(ctx, request{Op: "execKill", Exec: id, Signal: int(sig)}, nil)
}

// ExecDelete forgets exec id once it ended; afterwards its ID is unknown
// to the shim. An exec that still runs is refused.
func (c *Client) ExecDelete(ctx context.Context, id string) error {
	return c.do(ctx, request{Op: "execDelete", Exec: id}, nil)
}

// ExecWait blocks until exec id has exited and returns its status, with
// Running false. An exec whose process could not be started has exited
// too: with 127 when its executable does not exist, 126 when it cannot be
// run (Docker's codes). The shim stops taking connections once the
// container's init exited and ends soon after, and an exec's status is only
// known to it: a caller that needs the code whatever happens calls ExecWait
// as soon as Exec returned, alongside reading the stream; a wait already in
// flight gets its answer before the shim ends.
func (c *Client) ExecWait(ctx context.Context, id string) (ExecStatus, error) {
	var st ExecStatus
	err := c.do(ctx, request{Op: "execWait", Exec: id}, &st)
	return st, err
}
