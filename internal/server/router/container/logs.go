package container

import (
	"bufio"
	"context"
	"net/http"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
)

// Content types of the raw streams (attach, exec, logs).
const (
	rawStream         = "application/vnd.docker.raw-stream"
	multiplexedStream = "application/vnd.docker.multiplexed-stream"
)

// streamContentType names the stream a client is about to read. Clients
// older than API 1.42 only know the raw type, whatever the framing.
func streamContentType(ctx context.Context, multiplexed bool) string {
	if multiplexed && !router.VersionBefore(ctx, "1.42") {
		return multiplexedStream
	}
	return rawStream
}

// timestampLayout is RFC 3339 with the nanoseconds always nine digits long,
// so the prefix `docker logs -t` prints has one width.
const timestampLayout = "2006-01-02T15:04:05.000000000Z07:00"

// logs answers GET /containers/{name}/logs. Parameters are checked before
// the status line is sent: after it, an error can only end the stream.
func (cr *Router) logs(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	q := r.URL.Query()
	opts := backend.LogsOptions{
		Stdout:     router.BoolValue(r, "stdout"),
		Stderr:     router.BoolValue(r, "stderr"),
		Follow:     router.BoolValue(r, "follow"),
		Timestamps: router.BoolValue(r, "timestamps"),
		Details:    router.BoolValue(r, "details"),
		Since:      q.Get("since"),
		Until:      q.Get("until"),
		Tail:       q.Get("tail"),
	}
	if !opts.Stdout && !opts.Stderr {
		return errdefs.ErrInvalidArgument.WithMessage("Bad parameters: you must choose at least one stream")
	}
	msgs, tty, err := cr.backend.ContainerLogs(ctx, vars["name"], opts)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", streamContentType(ctx, !tty))
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if err := rc.Flush(); err != nil {
		return err
	}
	out := bufio.NewWriterSize(w, 32<<10)
	for {
		var m backend.LogMessage
		var ok bool
		select {
		case m, ok = <-msgs:
		case <-router.Closing(ctx):
		}
		if !ok {
			if err := out.Flush(); err != nil {
				return err
			}
			return rc.Flush()
		}
		if err := writeLogLine(out, m, opts, !tty); err != nil {
			return err
		}
		// Flush once the backlog is written, so a follower sees each new
		// line at once without a flush per line of a long log.
		if len(msgs) == 0 {
			if err := out.Flush(); err != nil {
				return err
			}
			if err := rc.Flush(); err != nil {
				return err
			}
		}
	}
}

// writeLogLine writes one message as `docker logs` expects it: with
// --details a space (Docker's place for log attributes, of which Berth
// records none), with -t the timestamp, and framed when there is no TTY.
func writeLogLine(out *bufio.Writer, m backend.LogMessage, opts backend.LogsOptions, multiplexed bool) error {
	var stream byte
	switch {
	case m.Stream == "stdout" && opts.Stdout:
		stream = streamStdout
	case m.Stream == "stderr" && opts.Stderr:
		stream = streamStderr
	default:
		return nil
	}
	line := make([]byte, 0, len(m.Line)+len(timestampLayout)+2)
	if opts.Timestamps {
		line = m.Time.UTC().AppendFormat(line, timestampLayout)
		line = append(line, ' ')
	}
	if opts.Details {
		line = append(line, ' ')
	}
	line = append(line, m.Line...)
	if multiplexed {
		line = frame(stream, line)
	}
	_, err := out.Write(line)
	return err
}
