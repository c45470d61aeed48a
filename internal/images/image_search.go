package images

import (
	"context"
	"fmt"
	"strconv"

	"github.com/berth/berth/internal/filters"
	"github.com/containerd/errdefs"
	apiregistry "github.com/moby/moby/api/types/registry"
)

// SearchImages answers GET /images/search: the registry's search index
// (Docker Hub's unless the term names a registry) filtered as Docker's are.
// Offline it fails as Docker does without a registry: 500 with the
// transport's words.
func (s *Service) SearchImages(ctx context.Context, term string, limit int, f filters.Args) ([]apiregistry.SearchResult, error) {
	if err := f.Validate("is-automated", "is-official", "stars"); err != nil {
		return nil, err
	}
	automated, _, err := f.Bool("is-automated")
	if err != nil {
		return nil, err
	}
	if automated {
		return []apiregistry.SearchResult{}, nil // deprecated: nothing is automated any more
	}
	official, officialGiven, err := f.Bool("is-official")
	if err != nil {
		return nil, err
	}
	stars := 0
	for _, v := range f.Get("stars") {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'stars=%s': %v", v, err))
		}
		stars = max(stars, n)
	}
	found, err := s.registryClient().Search(ctx, term, limit)
	if err != nil {
		return nil, err
	}
	out := []apiregistry.SearchResult{}
	for _, r := range found {
		if (officialGiven && r.IsOfficial != official) || r.StarCount < stars {
			continue
		}
		out = append(out, apiregistry.SearchResult{Name: r.Name, Description: r.Description, StarCount: r.StarCount, IsOfficial: r.IsOfficial})
	}
	return out, nil
}
