// Package check serves Berth's own store check, `berth system check`:
// GET /berth/check reports what is wrong with the stores of the live
// daemon, POST /berth/check?repair=1 also repairs what can be repaired
// safely. The /berth prefix is Berth's: the Engine API has no such path,
// so no Docker route can ever collide with it.
package check

import (
	"context"
	"net/http"

	"github.com/berth/berth/internal/check"
	"github.com/berth/berth/internal/server/router"
)

// Backend runs the store check.
type Backend interface {
	StoreCheck(ctx context.Context, repair bool) check.Report
}

// Router serves the check route.
type Router struct{ backend Backend }

// NewRouter returns the check router over b.
func NewRouter(b Backend) *Router { return &Router{backend: b} }

// Routes implements router.Router.
func (c *Router) Routes() []router.Route {
	return []router.Route{
		router.Get("/berth/check", c.check),
		router.Post("/berth/check", c.check),
	}
}

// check answers 200 with the report whatever it found: problems are its
// content, not a failure of the request. Repairs need POST, so a
// crawler or a cached GET never changes the stores.
func (c *Router) check(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	repair := r.Method == http.MethodPost && router.BoolValue(r, "repair")
	return router.WriteJSON(w, http.StatusOK, c.backend.StoreCheck(ctx, repair))
}
