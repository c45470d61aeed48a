package container

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

// noContent ends a route whose success has no body.
func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// start answers POST /containers/{name}/start. A start that finds the
// container running is NotModified from the backend (304).
func (cr *Router) start(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	// A HostConfig in the start body went away with API 1.24; "{}" and
	// "null" are what old clients still send and are harmless.
	if r.ContentLength > 7 || r.ContentLength == -1 {
		return errdefs.ErrInvalidArgument.WithMessage("starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24")
	}
	return noContent(w, cr.backend.ContainerStart(ctx, vars["name"]))
}

// stopOptions reads ?signal= (API 1.42 and later) and ?t=.
func stopOptions(ctx context.Context, r *http.Request) (backend.StopOptions, error) {
	var o backend.StopOptions
	if !router.VersionBefore(ctx, "1.42") {
		o.Signal = r.URL.Query().Get("signal")
	}
	t, ok, err := intQuery(r, "t")
	if ok {
		o.Timeout = &t
	}
	return o, err
}

func (cr *Router) stop(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	o, err := stopOptions(ctx, r)
	if err != nil {
		return err
	}
	return noContent(w, cr.backend.ContainerStop(ctx, vars["name"], o))
}

func (cr *Router) restart(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	o, err := stopOptions(ctx, r)
	if err != nil {
		return err
	}
	return noContent(w, cr.backend.ContainerRestart(ctx, vars["name"], o))
}

// kill answers POST /containers/{name}/kill; failures read "cannot kill
// container: x: ..." as Docker's do.
func (cr *Router) kill(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	if err := cr.backend.ContainerKill(ctx, vars["name"], r.URL.Query().Get("signal")); err != nil {
		return fmt.Errorf("cannot kill container: %s: %w", vars["name"], err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (cr *Router) pause(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	return noContent(w, cr.backend.ContainerPause(ctx, vars["name"]))
}

func (cr *Router) unpause(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	return noContent(w, cr.backend.ContainerUnpause(ctx, vars["name"]))
}

func (cr *Router) rename(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	newName := r.URL.Query().Get("name")
	if newName == "" {
		return errdefs.ErrInvalidArgument.WithMessage("Neither old nor new names may be empty")
	}
	if err := checkName(newName); err != nil {
		return err
	}
	return noContent(w, cr.backend.ContainerRename(ctx, vars["name"], newName))
}

func (cr *Router) remove(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	return noContent(w, cr.backend.ContainerRemove(ctx, vars["name"], backend.RemoveOptions{
		Force:         router.BoolValue(r, "force"),
		RemoveVolumes: router.BoolValue(r, "v"),
		RemoveLink:    router.BoolValue(r, "link"),
	}))
}

// resize answers 200 with no body, as Docker does.
func (cr *Router) resize(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	h, wd, err := terminalSize(r)
	if err != nil {
		return err
	}
	return cr.backend.ContainerResize(ctx, vars["name"], h, wd)
}

// waitResult is the wire form of container.WaitResponse with Error always
// present (null when the wait succeeded), the shape dockerd has sent since
// API 1.30 and that some clients index without checking.
type waitResult struct {
	StatusCode int64
	Error      *container.WaitExitError
}

// wait answers POST /containers/{name}/wait. From API 1.30 the status line
// and headers go out as soon as the wait is registered, so `docker run`
// can start the container knowing the exit will not be missed; the body
// follows when the condition is met.
func (cr *Router) wait(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	legacy := router.VersionBefore(ctx, "1.30")
	cond := container.WaitConditionNotRunning
	if c := r.URL.Query().Get("condition"); c != "" && !legacy {
		switch container.WaitCondition(c) {
		case container.WaitConditionNotRunning, container.WaitConditionNextExit, container.WaitConditionRemoved:
			cond = container.WaitCondition(c)
		default:
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid condition: %q", c))
		}
	}
	ch, err := cr.backend.ContainerWait(ctx, vars["name"], cond)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	if !legacy {
		w.WriteHeader(http.StatusOK)
		if err := http.NewResponseController(w).Flush(); err != nil {
			return err
		}
	}
	var res container.WaitResponse
	select {
	case res = <-ch:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Before 1.34 a failed removal could only be told by an empty answer.
	if res.Error != nil && cond == container.WaitConditionRemoved && router.VersionBefore(ctx, "1.34") {
		return nil
	}
	return json.NewEncoder(w).Encode(waitResult{StatusCode: res.StatusCode, Error: res.Error})
}
