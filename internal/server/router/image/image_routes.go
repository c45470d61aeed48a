package image

import (
	"bytes"
	"context"
	"encoding/json"
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
	if !router.VersionBefore(ctx, "1.54") && router.BoolValue(r, "identity") &&
		(router.VersionBefore(ctx, "1.47") || !router.BoolValue(r, "manifests")) {
		return errdefs.ErrInvalidArgument.WithMessage("conflicting options: identity requires manifests=1")
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
	var opts backend.ImageInspectOptions
	q := r.URL.Query()
	if q.Get("platform") != "" && !router.VersionBefore(ctx, "1.49") {
		p, err := decodePlatform(q.Get("platform"))
		if err != nil {
			return err
		}
		opts.Platform = p
	}
	manifests := q.Get("manifests") != "" && !router.VersionBefore(ctx, "1.48") && router.BoolValue(r, "manifests")
	if manifests && opts.Platform != nil {
		return errdefs.ErrInvalidArgument.WithMessage("conflicting options: manifests and platform options cannot both be set")
	}
	res, err := ir.backend.ImageInspect(ctx, vars["name"], opts)
	if err != nil {
		return err
	}
	img := &res.InspectResponse
	img.RepoTags, img.RepoDigests = nonNil(img.RepoTags), nonNil(img.RepoDigests)
	if router.VersionBefore(ctx, "1.48") {
		img.Descriptor = nil
	}
	extra := map[string]any{}
	if router.VersionBefore(ctx, "1.52") {
		// Older clients always got these, empty or not.
		extra["Parent"], extra["Comment"], extra["Author"], extra["DockerVersion"] = res.Parent, img.Comment, img.Author, ""
	} else if res.Parent != "" {
		// Deprecated, but still shown for commits and classic builds.
		extra["Parent"] = res.Parent
	}
	body, err := withFields(img, extra)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, body)
}

// withFields encodes v as a JSON object with extra fields added.
func withFields(v any, extra map[string]any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		return nil, err
	}
	for k, x := range extra {
		out[k] = x
	}
	return out, nil
}

// decodePlatform reads a JSON OCI platform parameter, refusing one without
// its OS and architecture in Docker's words.
func decodePlatform(s string) (*backend.Platform, error) {
	var p backend.Platform
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage("failed to parse platform: " + err.Error())
	}
	if p.OS == "" && p.Architecture == "" && (p.Variant != "" || p.OSVersion != "" || len(p.OSFeatures) > 0) {
		return nil, errdefs.ErrInvalidArgument.WithMessage("optional platform fields provided, but OS and Architecture are missing")
	}
	if p.OS == "" || p.Architecture == "" {
		return nil, errdefs.ErrInvalidArgument.WithMessage("both OS and Architecture must be provided")
	}
	return &p, nil
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
