package filter

import (
	"fmt"
	"strconv"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/filters"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/opencontainers/go-digest"
)

// ListKeys are the filters `docker ps` may send.
var ListKeys = []string{"ancestor", "annotation", "before", "exited", "id", "isolation", "label", "name",
	"status", "health", "since", "volume", "network", "is-task", "publish", "expose"}

// Resolver looks up what a list filter names. Container finds a container
// by name or ID prefix (before, since); Ancestors gives the IDs of the
// named images and of every image built on them (ancestor).
type Resolver struct {
	Container func(ref string) (*container.Container, error)
	Ancestors func(names []string) (map[digest.Digest]bool, error)
}

// List is a list request with its filters checked and resolved.
type List struct {
	Args          filters.Args
	All           bool // stopped containers too
	Limit         int  // the newest Limit only; implies All
	exited        map[int]bool
	isTask        *bool
	ancestors     map[digest.Digest]bool // nil: no ancestor filter
	before, since string                 // container IDs
}

// NewList checks the filters of GET /containers/json and looks up the
// containers and images they name.
func NewList(f filters.Args, all bool, limit int, r Resolver) (*List, error) {
	if err := f.Validate(ListKeys...); err != nil {
		return nil, err
	}
	l := &List{Args: f, All: all, Limit: limit, exited: map[int]bool{}}
	for _, v := range f.Get("exited") {
		code, err := strconv.Atoi(v)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'exited=%s'", v))
		}
		l.exited[code] = true
	}
	for _, v := range f.Get("status") {
		if err := apicontainer.ValidateContainerState(apicontainer.ContainerState(v)); err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'status=%s': %v", v, err))
		}
		l.All = true // asking for exited containers means showing them
	}
	for _, v := range f.Get("health") {
		if err := apicontainer.ValidateHealthStatus(apicontainer.HealthStatus(v)); err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'health=%s': %v", v, err))
		}
	}
	if isTask, given, err := f.Bool("is-task"); err != nil {
		return nil, err
	} else if given {
		l.isTask = &isTask
	}
	for _, key := range []string{"before", "since"} {
		for _, v := range f.Get(key) {
			c, err := r.Container(v)
			if err != nil {
				return nil, err
			}
			if key == "before" {
				l.before = c.ID
			} else {
				l.since = c.ID
			}
		}
	}
	if f.Has("ancestor") {
		ancestors, err := r.Ancestors(f.Get("ancestor"))
		if err != nil {
			return nil, err
		}
		l.ancestors = ancestors
	}
	return l, nil
}

// Select picks from cs, which is newest first, what the request lists:
// after the before container, up to the since container, at most Limit.
func (l *List) Select(cs []*container.Container) []*container.Container {
	out := []*container.Container{}
	skipping := l.before != ""
	for _, c := range cs {
		if skipping {
			// Only what was created before that container is listed.
			skipping = c.ID != l.before
			continue
		}
		if c.ID == l.since {
			break
		}
		if l.Limit > 0 && len(out) == l.Limit {
			break
		}
		if l.Match(c) {
			out = append(out, c)
		}
	}
	return out
}
