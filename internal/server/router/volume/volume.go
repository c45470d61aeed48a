package volume

import (
	"context"
	"errors"
	"net/http"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/server/router"
	"github.com/moby/moby/api/types/volume"
)

// Router serves the volume routes from a Backend.
type Router struct {
	backend Backend
}

// NewRouter returns the volume router over b.
func NewRouter(b Backend) *Router { return &Router{backend: b} }

// Routes implements router.Router.
func (vr *Router) Routes() []router.Route {
	return []router.Route{
		router.Get("/volumes", vr.list),
		router.Post("/volumes/create", vr.create),
		router.Post("/volumes/prune", vr.prune),
		router.Get("/volumes/{name}", vr.inspect),
		router.Delete("/volumes/{name}", vr.remove),
	}
}

var listFilters = []string{"dangling", "name", "label", "label!", "driver"}

func (vr *Router) list(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	f, err := filters.FromJSON(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate(listFilters...); err != nil {
		return err
	}
	vols, err := vr.backend.VolumeList(ctx, f)
	if err != nil {
		return err
	}
	if vols == nil {
		vols = []volume.Volume{}
	}
	return router.WriteJSON(w, http.StatusOK, volume.ListResponse{Volumes: vols, Warnings: []string{}})
}

func (vr *Router) create(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	var req volume.CreateRequest
	if err := router.ReadJSON(r, &req, false); err != nil && !errors.Is(err, router.ErrNoBody) {
		return err
	}
	v, err := vr.backend.VolumeCreate(ctx, req)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusCreated, v)
}

func (vr *Router) inspect(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	v, err := vr.backend.VolumeInspect(ctx, vars["name"])
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, v)
}

func (vr *Router) remove(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	if err := vr.backend.VolumeRemove(ctx, vars["name"], router.BoolValue(r, "force")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var pruneFilters = []string{"label", "label!", "all"}

func (vr *Router) prune(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	f, err := filters.FromJSON(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate(pruneFilters...); err != nil {
		return err
	}
	// Before API 1.42 prune removed every unused volume, named or not.
	if router.VersionBefore(ctx, "1.42") && !f.Has("all") {
		f.Add("all", "true")
	}
	report, err := vr.backend.VolumePrune(ctx, f)
	if err != nil {
		return err
	}
	if report.VolumesDeleted == nil {
		report.VolumesDeleted = []string{}
	}
	return router.WriteJSON(w, http.StatusOK, report)
}
