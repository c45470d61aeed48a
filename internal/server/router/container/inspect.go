package container

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/server/router"
)

// Filter names accepted by GET /containers/json and POST /containers/prune.
var (
	listFilters = []string{"ancestor", "annotation", "before", "expose", "exited", "health", "id",
		"isolation", "is-task", "label", "name", "network", "publish", "since", "status", "volume"}
	pruneFilters = []string{"label", "label!", "until"}
)

func (cr *Router) list(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	f, err := filters.FromJSON(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate(listFilters...); err != nil {
		return err
	}
	limit, _, err := intQuery(r, "limit")
	if err != nil {
		return err
	}
	list, err := cr.backend.Containers(ctx, backend.ContainerListOptions{
		All:     router.BoolValue(r, "all"),
		Limit:   max(limit, 0), // Docker reads -1 (the CLI's "unset") as no limit
		Size:    router.BoolValue(r, "size"),
		Filters: f,
	})
	if err != nil {
		return err
	}
	list = nonNil(list)
	for i := range list {
		c := &list[i]
		if router.VersionBefore(ctx, "1.46") {
			c.HostConfig.Annotations = nil
		}
		if router.VersionBefore(ctx, "1.48") {
			c.ImageManifestDescriptor = nil
		}
		c.Names, c.Ports, c.Mounts = nonNil(c.Names), nonNil(c.Ports), nonNil(c.Mounts)
	}
	return router.WriteJSON(w, http.StatusOK, list)
}

func (cr *Router) inspect(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	c, err := cr.backend.ContainerInspect(ctx, vars["name"], router.BoolValue(r, "size"))
	if err != nil {
		return err
	}
	if router.VersionBefore(ctx, "1.48") {
		c.ImageManifestDescriptor = nil
	}
	return writeInspect(ctx, w, c)
}

func (cr *Router) prune(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	f, err := filters.FromJSON(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate(pruneFilters...); err != nil {
		return err
	}
	report, err := cr.backend.ContainersPrune(ctx, f)
	if err != nil {
		return err
	}
	report.ContainersDeleted = nonNil(report.ContainersDeleted)
	return router.WriteJSON(w, http.StatusOK, report)
}

func (cr *Router) top(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	top, err := cr.backend.ContainerTop(ctx, vars["name"], r.URL.Query().Get("ps_args"))
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, top)
}

func (cr *Router) changes(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	changes, err := cr.backend.ContainerChanges(ctx, vars["name"])
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, nonNil(changes))
}

// stats answers one sample (stream=false) or a sample a second until the
// container stops or the client goes. one-shot only spares the daemon the
// second sample the CPU percentage needs; the backend takes one anyway.
func (cr *Router) stats(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	stream := router.BoolValueOrDefault(r, "stream", true)
	ch, err := cr.backend.ContainerStats(ctx, vars["name"], stream)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	out := router.NewStreamWriter(w)
	enc := json.NewEncoder(out)
	for {
		select {
		case s, ok := <-ch:
			if !ok {
				return nil
			}
			if err := enc.Encode(s); err != nil {
				return err
			}
			if !stream {
				return nil
			}
		case <-ctx.Done():
			return nil
		case <-router.Closing(ctx):
			return nil
		}
	}
}
