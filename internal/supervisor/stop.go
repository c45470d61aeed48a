package supervisor

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"golang.org/x/sys/unix"
)

// defaultStopTimeout is how long stop waits after the stop signal before
// it kills, as in Docker.
const defaultStopTimeout = 10

// exitRecordTimeout bounds the wait for the record of an exit that
// happened while a stop signal was on its way.
const exitRecordTimeout = 10 * time.Second

// Stop sends the stop signal, waits, then kills; the restart policy then
// leaves the container alone.
func (s *Supervisor) Stop(ctx context.Context, name string, opts backend.StopOptions) error {
	// A client that hangs up does not leave a half-stopped container.
	ctx = context.WithoutCancel(ctx)
	c, err := s.settled(name)
	if err != nil {
		return err
	}
	if !c.State.IsRunning() {
		return errdefs.ErrNotModified.WithMessage("container already stopped")
	}
	if err := s.markStopped(c.ID); err != nil {
		return err
	}
	if err := s.stop(ctx, c, opts); err != nil {
		return err
	}
	s.event(c, events.ActionStop, nil)
	return nil
}

// Terminate kills a running container for its removal and returns once
// its exit is recorded; a container that is not running is left alone.
func (s *Supervisor) Terminate(ctx context.Context, id string) error {
	c, err := s.settled(id)
	if err != nil || !c.State.IsRunning() {
		return err
	}
	// Recorded first, so the restart policy does not bring it back.
	if err := s.markStopped(c.ID); err != nil {
		return err
	}
	zero := 0
	if err := s.stop(ctx, c, backend.StopOptions{Signal: "SIGKILL", Timeout: &zero}); err != nil && !errdefs.IsConflict(err) {
		return err
	}
	return nil
}

// settled returns a container's record once no start of it is under way.
// A start holds the container's lock until the process runs; Docker's stop
// waits on the container's lock the same way. Without the wait, a stop that
// comes while compose is still starting a service (Ctrl+C during `up`) says
// "already stopped", and the container then runs on.
func (s *Supervisor) settled(name string) (*container.Container, error) {
	c, err := s.store.Get(name)
	if err != nil {
		return nil, err
	}
	s.store.Lock(c.ID)()
	return s.store.Get(c.ID)
}

func (s *Supervisor) markStopped(id string) error {
	_, err := s.store.Update(id, func(c *container.Container) error {
		c.ManuallyStopped = true
		return nil
	})
	return err
}

// stop ends a container's process: the stop signal, then SIGKILL once the
// timeout passed. It returns when the exit has been recorded.
func (s *Supervisor) stop(ctx context.Context, c *container.Container, opts backend.StopOptions) error {
	sigName := opts.Signal
	if sigName == "" {
		sigName = c.Config.StopSignal
	}
	sig := syscall.SIGTERM
	if sigName != "" {
		var err error
		if sig, err = ParseSignal(sigName); err != nil {
			return err
		}
	}
	timeout := defaultStopTimeout
	if c.Config.StopTimeout != nil {
		timeout = *c.Config.StopTimeout
	}
	if opts.Timeout != nil {
		timeout = *opts.Timeout
	}
	exited, running := s.WaitExit(c.ID)
	if !running {
		return nil
	}
	if c.State.Status == container.Restarting {
		// Nothing runs; stopping the restart loop is enough.
		s.updateOrLog(c.ID, func(c *container.Container) error {
			c.State.SetExited(c.State.ExitCode, false, time.Now().UTC(), "")
			return nil
		})
		s.waits.notifyExit(c.ID, c.State.ExitCode, "")
		return nil
	}
	wait := time.Duration(timeout) * time.Second
	if err := s.signal(c, sig); err != nil && wait < exitRecordTimeout {
		// The process may have ended on its own just now (the task then
		// says it is not running, or is already gone): its exit is being
		// recorded, so wait for that rather than failing.
		wait = exitRecordTimeout
	}
	var grace <-chan time.Time
	if timeout >= 0 {
		grace = time.After(wait)
	}
	select {
	case <-exited:
		return nil
	case <-grace:
	case <-ctx.Done():
		return ctx.Err()
	}
	// SIGKILL once, unless that was the stop signal already: a second one
	// would find a process that is dying and fail for nothing.
	var killErr error
	if sig != syscall.SIGKILL {
		killErr = s.signal(c, syscall.SIGKILL)
	}
	select {
	case <-exited:
		return nil
	case <-time.After(exitRecordTimeout):
		if killErr != nil {
			return killErr
		}
		return errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("container %s did not exit after SIGKILL", c.ID))
	case <-ctx.Done():
		return ctx.Err()
	}
}

// signal sends sig to the container's init, resuming a paused container
// first so the signal can be acted on.
func (s *Supervisor) signal(c *container.Container, sig syscall.Signal) error {
	task := s.tasks.get(c.ID)
	if task == nil {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not running", c.ID))
	}
	if c.State.Status == container.Paused && (sig == syscall.SIGKILL || sig == syscall.SIGTERM) {
		task.Resume(context.Background())
	}
	s.event(c, events.ActionKill, map[string]string{"signal": strconv.Itoa(int(sig))})
	return task.Kill(context.Background(), sig, false)
}

// Kill sends a signal (SIGKILL by default). A SIGKILL returns once the
// container no longer runs, so that a removal right after it succeeds.
func (s *Supervisor) Kill(ctx context.Context, name, sigName string) error {
	c, err := s.store.Get(name)
	if err != nil {
		return err
	}
	sig := syscall.SIGKILL
	if sigName != "" {
		if sig, err = ParseSignal(sigName); err != nil {
			return err
		}
	}
	if !c.State.IsRunning() {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot kill container: %s: container %s is not running", name, c.ID))
	}
	if stopsForGood(c, sig) {
		if err := s.markStopped(c.ID); err != nil {
			return err
		}
	}
	if c.State.Status == container.Restarting {
		// Nothing runs to signal. As in Docker, a stopping signal ends the
		// restart loop and any other is a no-op.
		if stopsForGood(c, sig) {
			return s.stop(ctx, c, backend.StopOptions{})
		}
		return nil
	}
	exited, _ := s.WaitExit(c.ID)
	if err := s.signal(c, sig); err != nil || sig != syscall.SIGKILL {
		return err
	}
	select {
	case <-exited:
		return nil
	case <-time.After(exitRecordTimeout):
		return errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("container %s did not exit after SIGKILL", c.ID))
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stopsForGood says whether a kill with sig is a manual stop, which the
// restart policy then respects: SIGKILL or the container's own stop
// signal (SIGTERM when it names none). Docker also counts any signal sent
// to a container that names no stop signal; Berth does not, so that a
// reload signal (HUP) leaves the restart policy in force.
func stopsForGood(c *container.Container, sig syscall.Signal) bool {
	own := syscall.SIGTERM
	if c.Config.StopSignal != "" {
		var err error
		if own, err = ParseSignal(c.Config.StopSignal); err != nil {
			return sig == syscall.SIGKILL
		}
	}
	return sig == syscall.SIGKILL || sig == own
}

// Restart stops (if running) and starts again. The exit it causes is
// neither a reason for the restart policy nor for --rm.
func (s *Supervisor) Restart(ctx context.Context, name string, opts backend.StopOptions) error {
	ctx = context.WithoutCancel(ctx) // finishes even if the client hangs up
	c, err := s.store.Get(name)
	if err != nil {
		return err
	}
	if c.State.IsRunning() {
		s.restarts.Store(c.ID, true)
		defer s.restarts.Delete(c.ID)
		if err := s.markStopped(c.ID); err != nil {
			return err
		}
		if err := s.stop(ctx, c, opts); err != nil {
			return err
		}
	}
	if err := s.Start(ctx, c.ID); err != nil && !errdefs.IsNotModified(err) {
		return err
	}
	s.event(c, events.ActionRestart, nil)
	return nil
}

// ParseSignal reads a signal as Docker accepts it: a number, or a name
// with or without the SIG prefix.
func ParseSignal(sig string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(sig); err == nil {
		if n <= 0 || n > 64 {
			return 0, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid signal: %s", sig))
		}
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(sig)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if n := unix.SignalNum(name); n != 0 {
		return n, nil
	}
	return 0, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid signal: %s", sig))
}
