// Package unsupported answers the Engine API routes of features Berth does
// not serve (swarm mode, plugins) the way Docker answers them when the
// feature is off. Compose, the SDKs and test suites probe these routes and
// branch on those exact answers, so a plain 404 would break them.
package unsupported

import (
	"context"
	"net/http"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
)

var (
	errNotManager = errdefs.ErrUnavailable.WithMessage(`This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.`)
	errNotInSwarm = errdefs.ErrUnavailable.WithMessage("This node is not part of a swarm")
)

// Router answers the unsupported routes.
type Router struct{}

// NewRouter returns the router.
func NewRouter() *Router { return &Router{} }

// swarmAreas are the route prefixes that need a swarm manager.
var swarmAreas = []string{"/swarm", "/services", "/secrets", "/configs", "/nodes", "/tasks"}

// Routes implements router.Router.
func (Router) Routes() []router.Route {
	routes := []router.Route{
		router.Post("/swarm/leave", fail(errNotInSwarm)),
		router.Get("/plugins", listPlugins),
	}
	for _, p := range swarmAreas {
		routes = append(routes,
			router.Any(p, fail(errNotManager)),
			router.Any(p+"/{rest:.*}", fail(errNotManager)))
	}
	return routes
}

func fail(err error) router.HandlerFunc {
	return func(context.Context, http.ResponseWriter, *http.Request, map[string]string) error { return err }
}

// listPlugins answers that no plugin is installed.
func listPlugins(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	return router.WriteJSON(w, http.StatusOK, []struct{}{})
}
