package images

import (
	"context"
	"sync"
	"time"

	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/registry"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/jsonstream"
	apiregistry "github.com/moby/moby/api/types/registry"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// registryClient is the service's registry client, made on first use from
// the configuration.
type registryClient struct {
	once sync.Once
	c    *registry.Client
}

// loginTimeout bounds POST /auth and GET /distribution: both are one or
// two round trips.
const loginTimeout = time.Minute

func (s *Service) registryClient() *registry.Client {
	s.registry.once.Do(func() {
		s.registry.c = registry.New(s.registryConfig)
	})
	return s.registry.c
}

func credentials(a apiregistry.AuthConfig) registry.Credentials {
	return registry.Credentials{
		Username:      a.Username,
		Password:      a.Password,
		Auth:          a.Auth,
		IdentityToken: a.IdentityToken,
		RegistryToken: a.RegistryToken,
	}
}

// AuthenticateToRegistry checks credentials against a registry (POST /auth).
func (s *Service) AuthenticateToRegistry(ctx context.Context, cfg apiregistry.AuthConfig) (apiregistry.AuthResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, loginTimeout)
	defer cancel()
	if err := s.registryClient().Login(ctx, cfg.ServerAddress, credentials(cfg)); err != nil {
		return apiregistry.AuthResponse{}, err
	}
	return apiregistry.AuthResponse{Status: "Login Succeeded"}, nil
}

// DistributionInspect asks the registry what name points at.
func (s *Service) DistributionInspect(ctx context.Context, name string, auth apiregistry.AuthConfig) (*apiregistry.DistributionInspect, error) {
	ref, err := image.ParseReference(name)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, loginTimeout)
	defer cancel()
	desc, platforms, err := s.registryClient().Inspect(ctx, reference.TagNameOnly(ref), credentials(auth))
	if err != nil {
		return nil, err
	}
	if platforms == nil {
		platforms = []ocispec.Platform{}
	}
	return &apiregistry.DistributionInspect{Descriptor: desc, Platforms: platforms}, nil
}

// progressMessages turns registry progress into stream messages.
func progressMessages(send func(jsonstream.Message)) registry.Progress {
	return func(e registry.Event) {
		m := jsonstream.Message{ID: e.ID, Status: e.Status}
		if e.Current > 0 || e.Total > 0 {
			m.Progress = &jsonstream.Progress{Current: e.Current, Total: e.Total}
		}
		send(m)
	}
}
