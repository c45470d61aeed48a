package image

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/image"
)

// Filter names accepted by GET /images/json and POST /images/prune.
var (
	listFilters  = []string{"before", "dangling", "label", "label!", "reference", "since", "until"}
	pruneFilters = []string{"dangling", "label", "label!", "until"}
)

func (ir *Router) list(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	f, err := filters.FromJSON(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	// API 1.24 clients send a reference glob as "filter".
	if router.VersionBefore(ctx, "1.25") && r.URL.Query().Get("filter") != "" && !f.Has("reference") {
		f.Add("reference", r.URL.Query().Get("filter"))
	}
	if err := f.Validate(listFilters...); err != nil {
		return err
	}
	opts := backend.ImageListOptions{
		All:        router.BoolValue(r, "all"),
		Filters:    f,
		Digests:    router.BoolValue(r, "digests"),
		SharedSize: !router.VersionBefore(ctx, "1.42") && router.BoolValue(r, "shared-size"),
		Manifests:  !router.VersionBefore(ctx, "1.47") && router.BoolValue(r, "manifests"),
	}
	images, err := ir.backend.Images(ctx, opts)
	if err != nil {
		return err
	}
	images = nonNil(images)
	for i := range images {
		shapeSummary(ctx, &images[i])
	}
	return router.WriteJSON(w, http.StatusOK, images)
}

// shapeSummary gives an image summary the form the client's version knows.
func shapeSummary(ctx context.Context, img *image.Summary) {
	if router.VersionBefore(ctx, "1.43") && len(img.RepoTags) == 0 && len(img.RepoDigests) == 0 {
		img.RepoTags, img.RepoDigests = []string{"<none>:<none>"}, []string{"<none>@<none>"}
	}
	img.RepoTags, img.RepoDigests = nonNil(img.RepoTags), nonNil(img.RepoDigests)
	if router.VersionBefore(ctx, "1.48") {
		img.Descriptor = nil
	}
	if router.VersionBefore(ctx, "1.51") {
		img.Containers = -1 // the count came with 1.51; before, it was always -1
	}
}

func (ir *Router) inspect(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	img, err := ir.backend.ImageInspect(ctx, vars["name"])
	if err != nil {
		return err
	}
	img.RepoTags, img.RepoDigests = nonNil(img.RepoTags), nonNil(img.RepoDigests)
	if router.VersionBefore(ctx, "1.48") {
		img.Descriptor = nil
	}
	return router.WriteJSON(w, http.StatusOK, img)
}

func (ir *Router) history(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	h, err := ir.backend.ImageHistory(ctx, vars["name"])
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, nonNil(h))
}

// tag answers POST /images/{name}/tag?repo=&tag=, where repo may carry the
// tag itself ("a/b:1.0") and an absent tag means "latest".
func (ir *Router) tag(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	repo, tag, err := repoTag(r.URL.Query().Get("repo"), r.URL.Query().Get("tag"))
	if err != nil {
		return err
	}
	if repo == "" {
		return errdefs.ErrInvalidArgument.WithMessage("repository name must have at least one component")
	}
	if tag == "" {
		tag = "latest"
	}
	if err := ir.backend.TagImage(ctx, vars["name"], repo, tag); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

// repoTag checks a repo and tag pair from the query and splits a tag given
// inside repo out of it. The repository keeps the spelling the client used
// ("busybox", not "docker.io/library/busybox").
func repoTag(repo, tag string) (string, string, error) {
	if repo == "" {
		if tag != "" {
			return "", "", fmt.Errorf("tag %q given without a repository: %w", tag, errdefs.ErrInvalidArgument)
		}
		return "", "", nil
	}
	named, err := reference.ParseNormalizedNamed(repo)
	if err != nil {
		return "", "", fmt.Errorf("invalid reference %q: %w: %w", repo, err, errdefs.ErrInvalidArgument)
	}
	if _, ok := named.(reference.Digested); ok {
		return "", "", fmt.Errorf("invalid reference %q: a digest cannot be a tag: %w", repo, errdefs.ErrInvalidArgument)
	}
	if t, ok := named.(reference.Tagged); ok {
		if tag == "" {
			tag = t.Tag()
		}
		named = reference.TrimNamed(named)
	}
	if tag != "" {
		if _, err := reference.WithTag(named, tag); err != nil {
			return "", "", fmt.Errorf("invalid tag %q: %w: %w", tag, err, errdefs.ErrInvalidArgument)
		}
	}
	name := reference.FamiliarName(named)
	if name == "sha256" {
		return "", "", errdefs.ErrInvalidArgument.WithMessage("refusing to create an ambiguous tag using digest algorithm as name")
	}
	return name, tag, nil
}

func (ir *Router) remove(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	name := vars["name"]
	if strings.TrimSpace(name) == "" {
		return errdefs.ErrInvalidArgument.WithMessage("image name cannot be blank")
	}
	list, err := ir.backend.ImageDelete(ctx, name, router.BoolValue(r, "force"), !router.BoolValue(r, "noprune"))
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, nonNil(list))
}

func (ir *Router) prune(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	f, err := filters.FromJSON(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate(pruneFilters...); err != nil {
		return err
	}
	report, err := ir.backend.ImagesPrune(ctx, f)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, report)
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
