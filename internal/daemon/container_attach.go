package daemon

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strconv"
	"sync"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/shim"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
)

// ContainerAttach connects the client's streams to the container's. A
// container that is not running yet is attached when it starts, which is
// how `docker run` and `docker start -a` see all of its output.
func (d *Daemon) ContainerAttach(ctx context.Context, name string, opts backend.AttachOptions) error {
	c, err := d.containers.Get(name)
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
	if opts.Stream && d.shims.get(c.ID) == nil {
		var cancel func()
		pa, cancel = d.attaches.add(c.ID)
		defer cancel()
	}
	stdin, stdout, stderr, err := opts.GetStreams(!c.Config.Tty)
	if err != nil {
		return err
	}
	if opts.Logs {
		d.replayLogs(ctx, c, opts, stdout, stderr)
	}
	if !opts.Stream {
		return nil
	}
	if !opts.Stdin {
		stdin = nil
	}
	conn, err := d.attachShim(ctx, c.ID, pa, opts)
	if err != nil || conn == nil {
		return err
	}
	defer conn.Close()
	d.logContainerEvent(c, events.ActionAttach, nil)
	detached, _ := d.pumpStreams(conn, stdin, keys, !c.Config.Tty, stdout, stderr)
	if detached {
		d.logContainerEvent(c, events.ActionDetach, nil)
	}
	return nil
}

// attachShim opens the shim's attach stream. With pa (the container was
// not running when the client attached) it waits for the start to hand over
// the shim. A nil conn means the client left or the start failed.
func (d *Daemon) attachShim(ctx context.Context, id string, pa *pendingAttach, opts backend.AttachOptions) (io.ReadWriteCloser, error) {
	var cl *shim.Client
	if pa == nil {
		if cl = d.shims.get(id); cl == nil {
			return nil, nil // it stopped meanwhile: nothing to stream
		}
		conn, _, err := cl.Attach(ctx, opts.Stdin, opts.Stdout, opts.Stderr)
		return conn, err
	}
	var once sync.Once
	ready := func() { once.Do(func() { close(pa.ready) }) }
	defer ready()
	select {
	case cl = <-pa.shim:
		if cl == nil {
			return nil, nil // the start failed
		}
	case <-ctx.Done():
		return nil, nil
	}
	conn, _, err := cl.Attach(ctx, opts.Stdin, opts.Stdout, opts.Stderr)
	ready()
	return conn, err
}

// pumpStreams copies stdin to the process and its output to the client
// until the output ends. With keys, typing them detaches the client. It
// reports whether the client detached and the exit code an exec stream
// ends with (-1 for attach).
func (d *Daemon) pumpStreams(conn io.ReadWriteCloser, stdin io.Reader, keys []byte, framed bool, stdout, stderr io.Writer) (detached bool, code int) {
	detach := make(chan struct{})
	if stdin != nil {
		src := stdin
		if keys != nil {
			src = &detachReader{r: stdin, keys: keys}
		}
		go func() {
			_, err := io.Copy(conn, src)
			if errors.Is(err, errDetached) {
				close(detach)
				conn.Close()
				return
			}
			if cw, ok := conn.(interface{ CloseWrite() error }); ok {
				cw.CloseWrite() // the client's EOF is the process's EOF
			}
		}()
	}
	code = copyOutput(conn, framed, stdout, stderr)
	select {
	case <-detach:
		return true, code
	default:
		return false, code
	}
}

// copyOutput writes a shim stream to the client: raw bytes, or frames of
// Docker's 8-byte header demultiplexed to stdout and stderr. It returns
// the exit code carried by an exec stream's last frame, or -1.
func copyOutput(r io.Reader, framed bool, stdout, stderr io.Writer) int {
	if !framed {
		if stdout != nil {
			io.Copy(stdout, r)
		} else {
			io.Copy(io.Discard, r)
		}
		return -1
	}
	var hdr [8]byte
	buf := make([]byte, 32*1024)
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return -1
		}
		n := int(binary.BigEndian.Uint32(hdr[4:]))
		if n > len(buf) {
			buf = make([]byte, n)
		}
		if _, err := io.ReadFull(r, buf[:n]); err != nil {
			return -1
		}
		switch hdr[0] {
		case shim.StreamExit:
			if n == 4 {
				return int(int32(binary.BigEndian.Uint32(buf[:4])))
			}
		case shim.StreamStderr:
			if stderr != nil {
				stderr.Write(buf[:n])
			}
		default:
			if stdout != nil {
				stdout.Write(buf[:n])
			}
		}
	}
}

// ContainerResize sets the size of a container's terminal.
func (d *Daemon) ContainerResize(ctx context.Context, name string, height, width uint) error {
	c, err := d.containers.Get(name)
	if err != nil {
		return err
	}
	cl := d.shims.get(c.ID)
	if cl == nil {
		return errdefs.ErrConflict.WithMessage("Container " + c.ID + " is not running")
	}
	d.logContainerEvent(c, events.ActionResize, map[string]string{"height": itoa(height), "width": itoa(width)})
	return cl.Resize(ctx, "", int(width), int(height))
}

func itoa(u uint) string { return strconv.FormatUint(uint64(u), 10) }
