// Package distribution serves GET /distribution/{name}/json: what a
// registry holds under a name (manifest descriptor and platforms), asked of
// the registry without pulling.
package distribution

import (
	"context"
	"net/http"

	"github.com/berth/berth/internal/server/router"
	imagerouter "github.com/berth/berth/internal/server/router/image"
	"github.com/moby/moby/api/types/registry"
)

// Backend is what the distribution router needs from the daemon.
type Backend interface {
	// DistributionInspect resolves name (a tag or digest reference) at its
	// registry.
	DistributionInspect(ctx context.Context, name string, auth registry.AuthConfig) (*registry.DistributionInspect, error)
}

// Router serves the distribution route from a Backend.
type Router struct {
	backend Backend
}

// NewRouter returns the distribution router over b.
func NewRouter(b Backend) *Router { return &Router{backend: b} }

// Routes implements router.Router.
func (dr *Router) Routes() []router.Route {
	return []router.Route{router.Get("/distribution/{name:.*}/json", dr.inspect)}
}

func (dr *Router) inspect(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	auth, err := imagerouter.AuthFromHeader(r)
	if err != nil {
		return err
	}
	res, err := dr.backend.DistributionInspect(ctx, vars["name"], auth)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, res)
}
