package network

import (
	"context"
	"errors"
	"net/http"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"
)

// Router is the network routes' table.
type Router struct{ b Backend }

// NewRouter returns the router over b.
func NewRouter(b Backend) *Router { return &Router{b: b} }

// Routes implements router.Router.
func (rt *Router) Routes() []router.Route {
	return []router.Route{
		router.Get("/networks", rt.list),
		router.Post("/networks/create", rt.create),
		router.Post("/networks/prune", rt.prune),
		router.Get("/networks/{id}", rt.inspect),
		router.Delete("/networks/{id}", rt.remove),
		router.Post("/networks/{id}/connect", rt.connect),
		router.Post("/networks/{id}/disconnect", rt.disconnect),
	}
}

func decode(r *http.Request, v any) error {
	err := router.ReadJSON(r, v, false)
	if errors.Is(err, router.ErrNoBody) {
		return errdefs.ErrInvalidArgument.WithMessage("invalid JSON: got EOF while reading request body")
	}
	return err
}

func (rt *Router) list(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	f, err := filters.FromJSON(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate("driver", "id", "label", "name", "scope", "type", "dangling"); err != nil {
		return err
	}
	list, err := rt.b.NetworkList(ctx, f)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, list)
}

func (rt *Router) inspect(ctx context.Context, w http.ResponseWriter, _ *http.Request, v map[string]string) error {
	n, err := rt.b.NetworkInspect(ctx, v["id"])
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, n)
}

func (rt *Router) create(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	var req network.CreateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	resp, err := rt.b.NetworkCreate(ctx, req)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusCreated, resp)
}

func (rt *Router) remove(ctx context.Context, w http.ResponseWriter, _ *http.Request, v map[string]string) error {
	if err := rt.b.NetworkRemove(ctx, v["id"]); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (rt *Router) connect(ctx context.Context, w http.ResponseWriter, r *http.Request, v map[string]string) error {
	var req network.ConnectRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := rt.b.NetworkConnect(ctx, v["id"], req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (rt *Router) disconnect(ctx context.Context, w http.ResponseWriter, r *http.Request, v map[string]string) error {
	var req network.DisconnectRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := rt.b.NetworkDisconnect(ctx, v["id"], req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (rt *Router) prune(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	f, err := filters.FromJSON(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	rep, err := rt.b.NetworksPrune(ctx, f)
	if err != nil {
		return err
	}
	if rep.NetworksDeleted == nil {
		rep.NetworksDeleted = []string{}
	}
	return router.WriteJSON(w, http.StatusOK, rep)
}
