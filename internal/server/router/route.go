// Package router holds what every area router of the Engine API shares: the
// route and handler types the server dispatches on, the negotiated API
// version carried in the request context, and the small encoders (JSON
// bodies, flushed streams, Docker's query booleans) the handlers use.
package router

import (
	"context"
	"net/http"
)

// HandlerFunc serves one route. vars holds the path variables of the route
// pattern ("name" in "/images/{name:.*}/json"). A returned error is turned
// into an HTTP status and a {"message": ...} body by the server, unless the
// handler has already started its response.
type HandlerFunc func(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error

// Route is one method and path pattern. A path segment "{v}" matches one
// segment; "{v:.*}" matches anything, slashes included, because image names
// such as "localhost:5000/a/b:tag" carry them. An empty Method matches any
// method.
type Route struct {
	Method  string
	Path    string
	Handler HandlerFunc
}

// Router is an area of the API (images, system, ...) as a list of routes.
// Routes are tried in order, so a specific pattern must come before a
// catch-all one.
type Router interface {
	Routes() []Route
}

// Get, Head, Post, Put and Delete build a Route for that method.
func Get(path string, h HandlerFunc) Route    { return Route{http.MethodGet, path, h} }
func Head(path string, h HandlerFunc) Route   { return Route{http.MethodHead, path, h} }
func Post(path string, h HandlerFunc) Route   { return Route{http.MethodPost, path, h} }
func Put(path string, h HandlerFunc) Route    { return Route{http.MethodPut, path, h} }
func Delete(path string, h HandlerFunc) Route { return Route{http.MethodDelete, path, h} }

// Any builds a Route that answers every method.
func Any(path string, h HandlerFunc) Route { return Route{"", path, h} }

type closingKey struct{}

// WithClosing returns ctx carrying ch, a channel the server closes when it
// starts shutting down.
func WithClosing(ctx context.Context, ch <-chan struct{}) context.Context {
	return context.WithValue(ctx, closingKey{}, ch)
}

// Closing returns the channel closed when the server shuts down. Endless
// streams (events, logs -f) select on it: the HTTP server's graceful
// shutdown would otherwise wait for them forever. It is nil (never ready)
// outside a server.
func Closing(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(closingKey{}).(<-chan struct{})
	return ch
}
