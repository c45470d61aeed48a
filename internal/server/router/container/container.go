// Package container serves the /containers, /exec and /commit routes of the
// Engine API: lifecycle (create, start, stop, wait, remove, ...), listing
// and inspection, the streams (attach, logs, exec, stats), the filesystem
// (archive, export, changes) and commit. It decodes requests, calls its
// Backend and encodes answers; the container logic lives in the daemon.
package container

import "github.com/berth/berth/internal/server/router"

// Router serves the container and exec routes from a Backend.
type Router struct {
	backend Backend
}

// NewRouter returns the container router over b.
func NewRouter(b Backend) *Router { return &Router{backend: b} }

// Routes implements router.Router. Container names never hold a slash, but
// the patterns take any path ("{name:.*}") so that a malformed name reaches
// the backend and is answered "No such container" as Docker does, not with
// a bare 404. Fixed paths come first so /containers/json is not read as a
// container called "json".
func (cr *Router) Routes() []router.Route {
	return []router.Route{
		router.Get("/containers/json", cr.list),
		router.Post("/containers/create", cr.create),
		router.Post("/containers/prune", cr.prune),
		router.Post("/commit", cr.commit),

		router.Get("/containers/{name:.*}/json", cr.inspect),
		router.Get("/containers/{name:.*}/logs", cr.logs),
		router.Get("/containers/{name:.*}/top", cr.top),
		router.Get("/containers/{name:.*}/stats", cr.stats),
		router.Get("/containers/{name:.*}/changes", cr.changes),
		router.Get("/containers/{name:.*}/export", cr.export),
		router.Head("/containers/{name:.*}/archive", cr.statPath),
		router.Get("/containers/{name:.*}/archive", cr.getArchive),
		router.Put("/containers/{name:.*}/archive", cr.putArchive),

		router.Post("/containers/{name:.*}/start", cr.start),
		router.Post("/containers/{name:.*}/stop", cr.stop),
		router.Post("/containers/{name:.*}/restart", cr.restart),
		router.Post("/containers/{name:.*}/kill", cr.kill),
		router.Post("/containers/{name:.*}/pause", cr.pause),
		router.Post("/containers/{name:.*}/unpause", cr.unpause),
		router.Post("/containers/{name:.*}/rename", cr.rename),
		router.Post("/containers/{name:.*}/update", cr.update),
		router.Post("/containers/{name:.*}/wait", cr.wait),
		router.Post("/containers/{name:.*}/resize", cr.resize),
		router.Post("/containers/{name:.*}/attach", cr.attach),
		router.Post("/containers/{name:.*}/exec", cr.execCreate),
		router.Delete("/containers/{name:.*}", cr.remove),

		router.Get("/exec/{id:.*}/json", cr.execInspect),
		router.Post("/exec/{id:.*}/start", cr.execStart),
		router.Post("/exec/{id:.*}/resize", cr.execResize),
	}
}
