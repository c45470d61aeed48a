// Package system serves the engine-wide routes of the Engine API: _ping,
// version, info, events and disk usage.
package system

import "github.com/berth/berth/internal/server/router"

// Router serves the system routes from a Backend.
type Router struct {
	backend Backend
}

// NewRouter returns the system router over b.
func NewRouter(b Backend) *Router { return &Router{backend: b} }

// Routes implements router.Router.
func (s *Router) Routes() []router.Route {
	return []router.Route{
		router.Get("/_ping", s.ping),
		router.Head("/_ping", s.ping),
		router.Get("/version", s.version),
		router.Get("/info", s.info),
		router.Get("/events", s.events),
		router.Get("/system/df", s.diskUsage),
		router.Post("/auth", s.auth),
	}
}
