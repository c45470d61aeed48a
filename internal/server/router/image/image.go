// Package image serves the /images routes of the Engine API: list, inspect,
// history, tag, remove, prune, import, load, save, pull and push.
package image

import "github.com/berth/berth/internal/server/router"

// Router serves the image routes from a Backend.
type Router struct {
	backend Backend
}

// NewRouter returns the image router over b.
func NewRouter(b Backend) *Router { return &Router{backend: b} }

// Routes implements router.Router. Names may hold slashes
// ("localhost:5000/a/b:tag"), hence the {name:.*} patterns; the fixed paths
// come first so /images/json is not read as an image called "json".
func (ir *Router) Routes() []router.Route {
	return []router.Route{
		router.Get("/images/json", ir.list),
		router.Get("/images/get", ir.export),
		router.Get("/images/search", ir.search),
		router.Get("/images/{name:.*}/get", ir.export),
		router.Get("/images/{name:.*}/history", ir.history),
		router.Get("/images/{name:.*}/json", ir.inspect),
		router.Post("/images/load", ir.load),
		router.Post("/images/create", ir.create),
		router.Post("/images/prune", ir.prune),
		router.Post("/images/{name:.*}/tag", ir.tag),
		router.Post("/images/{name:.*}/push", ir.push),
		router.Delete("/images/{name:.*}", ir.remove),
	}
}
