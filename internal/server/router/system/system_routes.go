package system

import (
	"context"
	"net/http"
	"runtime"

	"github.com/berth/berth/internal/server/router"
)

// ping answers the probe every client sends first; the docker CLI reads
// the headers to pick its API version and builder.
func (s *Router) ping(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	h := w.Header()
	h.Set("Cache-Control", "no-cache, no-store, must-revalidate")
	h.Set("Pragma", "no-cache")
	h.Set("Builder-Version", "1")
	h.Set("Swarm", "inactive")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	if r.Method == http.MethodHead {
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return nil
	}
	_, err := w.Write([]byte("OK"))
	return err
}

func (s *Router) version(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	v := s.backend.SystemVersion(ctx)
	v.APIVersion = router.DefaultAPIVersion
	v.MinAPIVersion = router.MinAPIVersion
	// The docker CLI prints the engine component's details, not the
	// top-level fields, so the versions go there too.
	for i := range v.Components {
		if v.Components[i].Name == "Engine" && v.Components[i].Details != nil {
			v.Components[i].Details["ApiVersion"] = router.DefaultAPIVersion
			v.Components[i].Details["MinAPIVersion"] = router.MinAPIVersion
		}
	}
	if v.Os == "" {
		v.Os = runtime.GOOS
	}
	if v.Arch == "" {
		v.Arch = runtime.GOARCH
	}
	return router.WriteJSON(w, http.StatusOK, v)
}

func (s *Router) info(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	info, err := s.backend.SystemInfo(ctx)
	if err != nil {
		return err
	}
	shaped, err := infoForVersion(ctx, info)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, shaped)
}
