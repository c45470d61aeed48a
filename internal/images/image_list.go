package images

import (
	"context"
	"fmt"
	"path"
	"slices"
	"sort"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/image"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	apiimage "github.com/moby/moby/api/types/image"
	"github.com/opencontainers/go-digest"
)

var imageListFilters = []string{"dangling", "label", "label!", "before", "since", "reference", "until"}

// Images lists images as GET /images/json does, newest first.
func (s *Service) Images(ctx context.Context, opts backend.ImageListOptions) ([]apiimage.Summary, error) {
	f := opts.Filters
	if err := f.Validate(imageListFilters...); err != nil {
		return nil, err
	}
	dangling, danglingGiven, err := f.Bool("dangling")
	if err != nil {
		return nil, err
	}
	before, err := s.filterTime(f, "before", time.Time{})
	if err != nil {
		return nil, err
	}
	since, err := s.filterTime(f, "since", time.Time{})
	if err != nil {
		return nil, err
	}
	until, err := earliestUntil(f, time.Now())
	if err != nil {
		return nil, err
	}
	all, err := s.summaries(ctx, opts.SharedSize)
	if err != nil {
		return nil, err
	}
	// Summaries carry whole seconds; the filters compare the exact times.
	recs, err := s.images.List()
	if err != nil {
		return nil, err
	}
	createdAt := map[string]time.Time{}
	parents := map[string]bool{} // images some other image was built on
	for _, rec := range recs {
		createdAt[rec.ID.String()] = rec.Created
		if rec.Parent != "" {
			parents[string(rec.Parent)] = true
		}
	}
	var out []apiimage.Summary
	for _, sum := range all {
		created := createdAt[sum.ID]
		untagged := len(sum.RepoTags) == 0 && len(sum.RepoDigests) == 0
		switch {
		case danglingGiven && dangling != (len(sum.RepoTags) == 0):
			continue
		// As Docker's: an untagged parent is a build's intermediate image,
		// listed only with all=1, and never as dangling.
		case untagged && parents[sum.ID] && (!opts.All || (danglingGiven && dangling)):
			continue
		case !before.IsZero() && !created.Before(before):
			continue
		case !since.IsZero() && !created.After(since):
			continue
		case !until.IsZero() && !created.Before(until):
			continue
		case !f.MatchLabels("label", sum.Labels) || (f.Has("label!") && matchesAnyLabel(f, sum.Labels)):
			continue
		}
		if f.Has("reference") {
			sum.RepoTags = matchReferences(f.Get("reference"), sum.RepoTags)
			if len(sum.RepoTags) == 0 {
				continue
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

// summaries builds the summary of every image, newest first.
func (s *Service) summaries(ctx context.Context, sharedSize bool) ([]apiimage.Summary, error) {
	recs, err := s.images.List()
	if err != nil {
		return nil, err
	}
	refs, err := s.images.Refs()
	if err != nil {
		return nil, err
	}
	users := map[digest.Digest]int{} // how many images use each layer
	for _, rec := range recs {
		for _, c := range rec.ChainIDs() {
			users[c]++
		}
	}
	out := make([]apiimage.Summary, 0, len(recs))
	for _, rec := range recs {
		img, err := s.ImageConfig(ctx, rec.ID)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", rec.ID, err)
		}
		sum := apiimage.Summary{
			ID:          rec.ID.String(),
			Created:     rec.Created.Unix(),
			Size:        rec.Size,
			SharedSize:  -1,
			Containers:  -1,
			Labels:      img.Config.Labels,
			RepoTags:    []string{},
			RepoDigests: []string{},
			ParentID:    string(rec.Parent),
		}
		tags, digests := familiarNames(refs[rec.ID])
		sum.RepoTags, sum.RepoDigests = append(sum.RepoTags, tags...), append(sum.RepoDigests, digests...)
		if sharedSize {
			sum.SharedSize = s.sharedSize(rec, users)
		}
		out = append(out, sum)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Created != out[j].Created {
			return out[i].Created > out[j].Created
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// sharedSize is the size of the layers of rec that other images use too.
func (s *Service) sharedSize(rec image.Record, users map[digest.Digest]int) int64 {
	var n int64
	for _, c := range rec.ChainIDs() {
		if users[c] > 1 {
			if info, err := s.snapshots.Stat(c); err == nil {
				n += info.Size
			}
		}
	}
	return n
}

// familiarNames splits an image's names into tags and digest references,
// in the short form docker prints (busybox:latest, not docker.io/library/...).
func familiarNames(refs []reference.Named) (tags, digests []string) {
	for _, ref := range refs {
		if _, ok := ref.(reference.Canonical); ok {
			digests = append(digests, reference.FamiliarString(ref))
		} else {
			tags = append(tags, reference.FamiliarString(ref))
		}
	}
	sort.Strings(tags)
	sort.Strings(digests)
	return tags, digests
}

// matchReferences keeps the tags matching one of the reference patterns.
// As Docker's, a pattern may be written in the familiar form or the
// canonical one ("busybox", "busybox:1", "docker.io/library/busybox:*"), and
// matches the name alone or with its tag.
func matchReferences(patterns, tags []string) []string {
	var out []string
	for _, tag := range tags {
		ref, err := reference.ParseNormalizedNamed(tag)
		if err != nil {
			continue
		}
		targets := []string{reference.FamiliarString(ref), reference.FamiliarName(ref), reference.TagNameOnly(ref).String(), ref.Name()}
		if slices.ContainsFunc(patterns, func(p string) bool {
			return slices.ContainsFunc(targets, func(t string) bool { ok, _ := path.Match(p, t); return ok })
		}) {
			out = append(out, tag)
		}
	}
	return out
}

// earliestUntil reads the until filter of a list: every value given must
// hold, so the earliest one decides, as in Docker's list (prune takes one).
func earliestUntil(f filters.Args, now time.Time) (time.Time, error) {
	var until time.Time
	for _, v := range f.Get("until") {
		t, err := filters.ParseTimestamp(v, now)
		if err != nil {
			return time.Time{}, err
		}
		if until.IsZero() || t.Before(until) {
			until = t
		}
	}
	return until, nil
}

func matchesAnyLabel(f filters.Args, labels map[string]string) bool {
	for _, l := range f.Get("label!") {
		if (filters.Args{"label": {l: true}}).MatchLabels("label", labels) {
			return true
		}
	}
	return false
}

// filterTime resolves a before/since filter, which names an image, to that
// image's creation time.
func (s *Service) filterTime(f filters.Args, key string, zero time.Time) (time.Time, error) {
	vals := f.Get(key)
	if len(vals) == 0 {
		return zero, nil
	}
	if len(vals) > 1 {
		return zero, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter '%s': only one value is allowed", key))
	}
	rec, _, err := s.images.Resolve(vals[0])
	if err != nil {
		return zero, err
	}
	return rec.Created, nil
}
