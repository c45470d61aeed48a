package build

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
)

// Router serves the build routes.
type Router struct{ backend Backend }

// NewRouter returns the router over b.
func NewRouter(b Backend) *Router { return &Router{backend: b} }

// Routes implements router.Router.
func (br *Router) Routes() []router.Route {
	return []router.Route{
		router.Post("/build", br.build),
		router.Post("/build/prune", br.prune),
	}
}

// streamWriter turns progress text into stream messages.
type streamWriter struct {
	mu  *sync.Mutex
	out *router.JSONStream
}

func (s streamWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.out.Send(jsonstream.Message{Stream: string(p)}); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (br *Router) build(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	q := r.URL.Query()
	opts := backend.BuildOptions{
		Context:    r.Body,
		Tags:       q["t"],
		Dockerfile: q.Get("dockerfile"),
		NoCache:    router.BoolValue(r, "nocache"),
		Pull:       router.BoolValue(r, "pull"),
		Target:     q.Get("target"),
		Network:    q.Get("networkmode"),
		Quiet:      router.BoolValue(r, "q"),
		Platform:   q.Get("platform"),
		// rm defaults to true, as in Docker.
		KeepContainers: !router.BoolValueOrDefault(r, "rm", true),
		ForceRemove:    router.BoolValue(r, "forcerm"),
		ExtraHosts:     q["extrahosts"],
	}
	if v := q.Get("buildargs"); v != "" {
		if err := json.Unmarshal([]byte(v), &opts.BuildArgs); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("invalid buildargs: " + err.Error())
		}
	}
	if v := q.Get("labels"); v != "" {
		if err := json.Unmarshal([]byte(v), &opts.Labels); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("invalid labels: " + err.Error())
		}
	}
	if v := q.Get("version"); v == "2" {
		return errdefs.ErrNotImplemented.WithMessage("BuildKit is not supported by this engine; set DOCKER_BUILDKIT=0")
	}
	out := router.NewJSONStream(w)
	var mu sync.Mutex
	opts.Output = streamWriter{&mu, out}
	opts.Aux = func(id string) {
		mu.Lock()
		defer mu.Unlock()
		aux, _ := json.Marshal(map[string]string{"ID": id})
		raw := json.RawMessage(aux)
		_ = out.Send(jsonstream.Message{Aux: &raw})
	}
	id, err := br.backend.Build(ctx, opts)
	if err == nil && opts.Quiet {
		mu.Lock()
		_ = out.Send(jsonstream.Message{Stream: id + "\n"})
		mu.Unlock()
	}
	return out.Finish(err)
}

func (br *Router) prune(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	n, err := br.backend.PruneBuildCache(ctx)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, map[string]any{"CachesDeleted": []string{}, "SpaceReclaimed": n})
}
