package system

import (
	"context"
	"errors"
	"net/http"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/registry"
)

// AuthBackend checks registry credentials for POST /auth. It is separate
// from Backend so that a backend without registries still serves the
// other system routes; such a backend answers /auth with 501.
type AuthBackend interface {
	// AuthenticateToRegistry checks cfg against cfg.ServerAddress (Docker
	// Hub when empty) and answers "Login Succeeded" with, where the
	// registry issues one, an identity token.
	AuthenticateToRegistry(ctx context.Context, cfg registry.AuthConfig) (registry.AuthResponse, error)
}

func (s *Router) auth(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	ab, ok := s.backend.(AuthBackend)
	if !ok {
		return errdefs.ErrNotImplemented.WithMessage("registry login is not supported by this engine")
	}
	var cfg registry.AuthConfig
	if err := router.ReadJSON(r, &cfg, false); err != nil {
		if errors.Is(err, router.ErrNoBody) {
			return errdefs.ErrInvalidArgument.WithMessage("invalid login request: empty body")
		}
		return err
	}
	res, err := ab.AuthenticateToRegistry(ctx, cfg)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, res)
}
