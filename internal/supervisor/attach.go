package supervisor

import (
	"context"
	"io"
	"strconv"
	"sync"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
)

// AttachOptions are an attach's streams and, for logs=1, how to replay
// the log before the live stream.
type AttachOptions struct {
	backend.AttachOptions
	// Replay writes the container's log so far to the client's streams.
	Replay func(ctx context.Context, c *container.Container, stdout, stderr io.Writer)
}

// Attach connects the client's streams to the container's. A container
// that is not running yet is attached when it starts, which is how `docker
// run` and `docker start -a` see all of its output.
func (s *Supervisor) Attach(ctx context.Context, name string, opts AttachOptions) error {
	return s.attach(ctx, name, opts, nil)
}

// attach is Attach; registered, if not nil, is closed once a later start
// is sure to connect this attach (or the attach failed).
func (s *Supervisor) attach(ctx context.Context, name string, opts AttachOptions, registered chan<- struct{}) error {
	if registered != nil {
		var once sync.Once
		signal := func() { once.Do(func() { close(registered) }) }
		defer signal()
		opts.GetStreams = registeredStreams(opts.GetStreams, signal)
	}
	c, err := s.store.Get(name)
	if err != nil {
		return err
	}
	keys, err := parseDetachKeys(opts.DetachKeys)
	if err != nil {
		return err
	}
	switch c.State.Status {
	case container.Paused:
		return errdefs.ErrConflict.WithMessage("You cannot attach to a paused container, unpause it first")
	case container.Restarting:
		return errdefs.ErrConflict.WithMessage("You cannot attach to a restarting container, wait until it is running")
	case container.Removing, container.Dead:
		return errdefs.ErrConflict.WithMessage("You cannot attach to a container that is being removed")
	}
	// Register as a pending attach before the client gets its 101: the
	// docker CLI sends start as soon as it has it, and the start must find
	// this attach to connect it before the process runs.
	var pa *pendingAttach
	if opts.Stream && s.tasks.get(c.ID) == nil {
		var cancel func()
		pa, cancel = s.pending.add(c.ID)
		defer cancel()
	}
	stdin, stdout, stderr, err := opts.GetStreams(!c.Config.Tty)
	if err != nil {
		return err
	}
	if opts.Logs && opts.Replay != nil {
		opts.Replay(ctx, c, stdout, stderr)
	}
	if !opts.Stream {
		return nil
	}
	if !opts.Stdin {
		stdin = nil
	}
	conn, err := s.attachTask(ctx, c.ID, pa, opts.AttachOptions)
	if err != nil || conn == nil {
		return err
	}
	defer conn.Close()
	s.event(c, events.ActionAttach, nil)
	if pumpStreams(conn, stdin, keys, !c.Config.Tty, stdout, stderr) {
		s.event(c, events.ActionDetach, nil)
	}
	return nil
}

// attachTask opens the task's attach stream. With pa (the container was
// not running when the client attached) it waits for the start to hand over
// the task. A nil conn means the client left or the start failed.
func (s *Supervisor) attachTask(ctx context.Context, id string, pa *pendingAttach, opts backend.AttachOptions) (io.ReadWriteCloser, error) {
	if pa == nil {
		task := s.tasks.get(id)
		if task == nil {
			return nil, nil // it stopped meanwhile: nothing to stream
		}
		return task.Attach(ctx, opts.Stdin, opts.Stdout, opts.Stderr)
	}
	var once sync.Once
	ready := func() { once.Do(func() { close(pa.ready) }) }
	defer ready()
	var task Task
	select {
	case task = <-pa.task:
		if task == nil {
			return nil, nil // the start failed
		}
	case <-ctx.Done():
		return nil, nil
	}
	conn, err := task.Attach(ctx, opts.Stdin, opts.Stdout, opts.Stderr)
	ready()
	return conn, err
}

// Resize sets the size of a container's terminal.
func (s *Supervisor) Resize(ctx context.Context, name string, height, width uint) error {
	c, err := s.store.Get(name)
	if err != nil {
		return err
	}
	task := s.tasks.get(c.ID)
	if task == nil {
		return errdefs.ErrConflict.WithMessage("Container " + c.ID + " is not running")
	}
	s.event(c, events.ActionResize, map[string]string{"height": utoa(height), "width": utoa(width)})
	return task.Resize(ctx, "", int(width), int(height))
}

func utoa(u uint) string { return strconv.FormatUint(uint64(u), 10) }

// registeredStreams calls signal when the streams are first asked for:
// by then the attach is registered for the container's next start.
func registeredStreams(get backend.Streams, signal func()) backend.Streams {
	return func(multiplexed bool) (io.ReadCloser, io.Writer, io.Writer, error) {
		defer signal()
		return get(multiplexed)
	}
}
