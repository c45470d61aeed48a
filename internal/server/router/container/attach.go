package container

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

// newStreamSetup prepares the backend.Streams of an attach or exec start. The
// returned context ends when the client closes the connection, which the
// backend takes as a detach.
func newStreamSetup(ctx context.Context, w http.ResponseWriter, r *http.Request) (context.Context, context.CancelFunc, *streamSetup) {
	ctx, cancel := context.WithCancel(ctx)
	return ctx, cancel, &streamSetup{
		w: w, r: r, onGone: cancel,
		ctype: func(multiplexed bool) string { return streamContentType(ctx, multiplexed) },
	}
}

// attach answers POST /containers/{name}/attach. The backend checks the
// container before it asks for the streams, so "No such container" is
// still an ordinary 404; once the connection is taken over, an error can
// only end the stream.
func (cr *Router) attach(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	ctx, cancel, ss := newStreamSetup(ctx, w, r)
	defer cancel()
	err := cr.backend.ContainerAttach(ctx, vars["name"], backend.AttachOptions{
		Stdin:      router.BoolValue(r, "stdin"),
		Stdout:     router.BoolValue(r, "stdout"),
		Stderr:     router.BoolValue(r, "stderr"),
		Stream:     router.BoolValue(r, "stream"),
		Logs:       router.BoolValue(r, "logs"),
		DetachKeys: r.URL.Query().Get("detachKeys"),
		GetStreams: ss.get,
	})
	if s := ss.taken(); s != nil {
		s.close()
	}
	return err
}

func (cr *Router) execCreate(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	var req container.ExecCreateRequest
	if err := readJSON(r, &req, false); err != nil && !errors.Is(err, errNoBody) {
		return err
	}
	if len(req.Cmd) == 0 {
		return errdefs.ErrInvalidArgument.WithMessage("No exec command specified")
	}
	if router.VersionBefore(ctx, "1.42") {
		req.ConsoleSize = nil
	}
	id, err := cr.backend.ExecCreate(ctx, vars["name"], &req)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusCreated, container.ExecCreateResponse{ID: id})
}

// execStart answers POST /exec/{id}/start: 200 with no body when detached,
// else the process's streams on the taken-over connection, as attach.
func (cr *Router) execStart(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	var req container.ExecStartRequest
	if err := readJSON(r, &req, false); err != nil && !errors.Is(err, errNoBody) {
		return err
	}
	opts := backend.ExecStartOptions{Detach: req.Detach, Tty: req.Tty, ConsoleSize: req.ConsoleSize}
	if !req.Tty || router.VersionBefore(ctx, "1.42") {
		opts.ConsoleSize = nil
	}
	if req.Detach {
		return cr.backend.ExecStart(ctx, vars["id"], opts)
	}
	ctx, cancel, ss := newStreamSetup(ctx, w, r)
	defer cancel()
	opts.GetStreams = ss.get
	err := cr.backend.ExecStart(ctx, vars["id"], opts)
	s := ss.taken()
	if s == nil {
		return err
	}
	if err != nil && ctx.Err() == nil {
		// The client shows the stream, so the failure goes there, as with
		// Docker (the exit code comes from GET /exec/{id}/json).
		_, out, _ := s.streams(s.mux)
		_, _ = fmt.Fprintf(out, "%v\r\n", err)
	}
	s.close()
	return err
}

func (cr *Router) execResize(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	h, wd, err := terminalSize(r)
	if err != nil {
		return err
	}
	return cr.backend.ExecResize(ctx, vars["id"], h, wd)
}

func (cr *Router) execInspect(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	e, err := cr.backend.ExecInspect(ctx, vars["id"])
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, e)
}
