package daemon

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

// ContainerStop sends the stop signal, waits, then kills.
func (d *Daemon) ContainerStop(ctx context.Context, name string, opts backend.StopOptions) error {
	c, err := d.containers.Get(name)
	if err != nil {
		return err
	}
	if !c.State.IsRunning() {
		return errdefs.ErrNotModified.WithMessage("container already stopped")
	}
	if _, err := d.containers.Update(c.ID, func(c *container.Container) error {
		c.ManuallyStopped = true
		return nil
	}); err != nil {
		return err
	}
	if err := d.stop(ctx, c, opts); err != nil {
		return err
	}
	d.logContainerEvent(c, events.ActionStop, nil)
	return nil
}

// stop ends a container's process: the stop signal, then SIGKILL once the
// timeout passed. It returns when the exit has been recorded.
func (d *Daemon) stop(ctx context.Context, c *container.Container, opts backend.StopOptions) error {
	sigName := opts.Signal
	if sigName == "" {
		sigName = c.Config.StopSignal
	}
	sig := syscall.SIGTERM
	if sigName != "" {
		var err error
		if sig, err = parseSignal(sigName); err != nil {
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
	exited, running := d.waitExit(c.ID)
	if !running {
		return nil
	}
	if c.State.Status == container.Restarting {
		// Nothing runs; stopping the restart loop is enough.
		d.updateOrLog(c.ID, func(c *container.Container) error {
			c.State.SetExited(c.State.ExitCode, false, time.Now().UTC(), "")
			return nil
		})
		d.waits.notifyExit(c.ID, c.State.ExitCode, "")
		return nil
	}
	wait := time.Duration(timeout) * time.Second
	if err := d.signal(c, sig); err != nil && wait < exitRecordTimeout {
		// The process may have ended on its own just now (the shim then
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
		killErr = d.signal(c, syscall.SIGKILL)
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
func (d *Daemon) signal(c *container.Container, sig syscall.Signal) error {
	cl := d.shims.get(c.ID)
	if cl == nil {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not running", c.ID))
	}
	if c.State.Status == container.Paused && (sig == syscall.SIGKILL || sig == syscall.SIGTERM) {
		if rt, err := d.runtimeFor(c.Runtime); err == nil {
			rt.Resume(context.Background(), c.ID)
		}
	}
	d.logContainerEvent(c, events.ActionKill, map[string]string{"signal": strconv.Itoa(int(sig))})
	return cl.Kill(context.Background(), sig, false)
}

// ContainerKill sends a signal (SIGKILL by default).
func (d *Daemon) ContainerKill(ctx context.Context, name, sigName string) error {
	c, err := d.containers.Get(name)
	if err != nil {
		return err
	}
	sig := syscall.SIGKILL
	if sigName != "" {
		if sig, err = parseSignal(sigName); err != nil {
			return err
		}
	}
	if !c.State.IsRunning() {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot kill container: %s: container %s is not running", name, c.ID))
	}
	if sig == syscall.SIGKILL {
		if _, err := d.containers.Update(c.ID, func(c *container.Container) error {
			c.ManuallyStopped = true
			return nil
		}); err != nil {
			return err
		}
	}
	return d.signal(c, sig)
}

// ContainerRestart stops (if running) and starts again.
func (d *Daemon) ContainerRestart(ctx context.Context, name string, opts backend.StopOptions) error {
	c, err := d.containers.Get(name)
	if err != nil {
		return err
	}
	if c.State.IsRunning() {
		if err := d.stop(ctx, c, opts); err != nil {
			return err
		}
	}
	if err := d.ContainerStart(ctx, c.ID); err != nil && !errdefs.IsNotModified(err) {
		return err
	}
	d.logContainerEvent(c, events.ActionRestart, nil)
	return nil
}

// ContainerPause freezes every process of a container.
func (d *Daemon) ContainerPause(ctx context.Context, name string) error {
	return d.pauseResume(ctx, name, true)
}

// ContainerUnpause thaws a paused container.
func (d *Daemon) ContainerUnpause(ctx context.Context, name string) error {
	return d.pauseResume(ctx, name, false)
}

func (d *Daemon) pauseResume(ctx context.Context, name string, pause bool) error {
	c, err := d.containers.Get(name)
	if err != nil {
		return err
	}
	unlock := d.containers.Lock(c.ID)
	defer unlock()
	if c, err = d.containers.Get(c.ID); err != nil {
		return err
	}
	switch {
	case !c.State.IsRunning():
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not running", c.ID))
	case pause && c.State.Status == container.Paused:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is already paused", c.ID))
	case !pause && c.State.Status != container.Paused:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not paused", c.ID))
	}
	rt, err := d.runtimeFor(c.Runtime)
	if err != nil {
		return err
	}
	action := events.ActionPause
	if pause {
		err = rt.Pause(ctx, c.ID)
	} else {
		err = rt.Resume(ctx, c.ID)
		action = events.ActionUnPause
	}
	if err != nil {
		return err
	}
	if _, err := d.containers.Update(c.ID, func(c *container.Container) error {
		if pause {
			return c.State.SetPaused()
		}
		return c.State.SetUnpaused()
	}); err != nil {
		return err
	}
	d.logContainerEvent(c, action, nil)
	return nil
}

// parseSignal reads a signal as Docker accepts it: a number, or a name
// with or without the SIG prefix.
func parseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid signal: %s", s))
		}
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid signal: %s", s))
}
