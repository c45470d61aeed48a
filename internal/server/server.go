// Package server serves the Docker Engine API over HTTP. It owns what is
// common to every route: the optional "/v1.NN" path prefix and the version
// range, the headers every response carries, turning errors into statuses,
// and the listener lifecycle. The routes themselves come from the area
// routers under router/, each declaring the backend it needs.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/berth/berth/internal/server/httpstatus"
	"github.com/berth/berth/internal/server/router"
)

// The API version range, re-exported for the daemon and the tests.
const (
	MinAPIVersion     = router.MinAPIVersion
	DefaultAPIVersion = router.DefaultAPIVersion
)

// VersionFromContext returns the API version negotiated for a request.
func VersionFromContext(ctx context.Context) string { return router.VersionFromContext(ctx) }

// Config is what the server says about itself in every response.
type Config struct {
	Version      string       // berthd's version, for the Server header
	Experimental bool         // the Docker-Experimental header
	Logger       *slog.Logger // nil means slog.Default()
}

// Server dispatches requests to the routes of its routers.
type Server struct {
	cfg     Config
	log     *slog.Logger
	routes  []compiledRoute
	http    *http.Server
	closing chan struct{}
	once    sync.Once
}

// New builds a server from routers; their routes are tried in the order
// given. It fails on a malformed route pattern.
func New(cfg Config, routers ...router.Router) (*Server, error) {
	s := &Server{cfg: cfg, log: cfg.Logger, closing: make(chan struct{})}
	if s.log == nil {
		s.log = slog.Default()
	}
	for _, r := range routers {
		for _, rt := range r.Routes() {
			c, err := compile(rt)
			if err != nil {
				return nil, err
			}
			s.routes = append(s.routes, c)
		}
	}
	s.http = &http.Server{
		Handler: s,
		BaseContext: func(net.Listener) context.Context {
			return router.WithClosing(context.Background(), s.closing)
		},
	}
	s.http.RegisterOnShutdown(s.markClosing)
	return s, nil
}

// Serve accepts connections on l until Shutdown; it may be called for
// several listeners (a unix socket and a TCP port). It returns nil after a
// shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.http.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections, ends endless streams such as
// events, and waits for the other requests until ctx is done, when it
// closes the remaining connections.
func (s *Server) Shutdown(ctx context.Context) error {
	s.markClosing()
	err := s.http.Shutdown(ctx)
	if err != nil {
		_ = s.http.Close()
	}
	return err
}

func (s *Server) markClosing() { s.once.Do(func() { close(s.closing) }) }

// ServeHTTP serves one request; the server is an http.Handler so tests can
// run it in httptest.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Server", fmt.Sprintf("Berth/%s (linux)", s.cfg.Version))
	h.Set("Api-Version", DefaultAPIVersion)
	h.Set("Ostype", "linux")
	h.Set("Docker-Experimental", fmt.Sprint(s.cfg.Experimental))
	s.log.Debug("api request", "method", r.Method, "url", r.URL.RequestURI())

	version, path := splitVersion(r.URL.Path)
	rt, vars, allowed := match(s.routes, r.Method, path)
	if rt == nil {
		if len(allowed) > 0 {
			h.Set("Allow", strings.Join(allowed, ", "))
			writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed on "+path)
			return
		}
		writeError(w, http.StatusNotFound, "page not found")
		return
	}
	if version == "" {
		version = DefaultAPIVersion
	}
	if err := checkVersion(version); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	vars["version"] = version
	ctx := router.WithVersion(r.Context(), version)
	rw := &responseWriter{ResponseWriter: w}
	err := rt.Handler(ctx, rw, r.WithContext(ctx), vars)
	if err == nil {
		return
	}
	switch {
	case ctx.Err() != nil:
		s.log.Debug("client went away", "method", r.Method, "url", r.URL.RequestURI(), "error", err)
	case rw.wrote:
		// Too late for a status: a stream handler reports its own errors in the stream.
		s.log.Warn("api handler failed mid-response", "method", r.Method, "url", r.URL.RequestURI(), "error", err)
	default:
		status := httpstatus.FromError(err)
		level := slog.LevelDebug // expected answers: 404 for a missing image, 503 for swarm probes, ...
		if status == http.StatusInternalServerError {
			level = slog.LevelError // an error nobody classified: a bug or a real failure
		}
		s.log.Log(ctx, level, "api error", "method", r.Method, "url", r.URL.RequestURI(), "status", status, "error", err)
		writeError(w, status, err.Error())
	}
}

// checkVersion refuses a version outside the served range, in the words of
// Docker's daemon, which clients show to users.
func checkVersion(v string) error {
	if router.CompareVersions(v, MinAPIVersion) < 0 {
		return fmt.Errorf("client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", v, MinAPIVersion)
	}
	if router.CompareVersions(v, DefaultAPIVersion) > 0 {
		return fmt.Errorf("client version %s is too new. Maximum supported API version is %s", v, DefaultAPIVersion)
	}
	return nil
}
