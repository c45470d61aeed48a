package daemon

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/filters"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/opencontainers/go-digest"
)

// containerListFilters are the filters `docker ps` may send. publish,
// expose, volume and network are accepted but match nothing until
// containers have ports, volumes and networks.
var containerListFilters = []string{"ancestor", "annotation", "before", "exited", "id", "isolation", "label", "name",
	"status", "health", "since", "volume", "network", "is-task", "publish", "expose"}

// listFilter is a list request with its filters resolved against the
// current containers and images.
type listFilter struct {
	backend.ContainerListOptions
	exited        map[int]bool
	isTask        *bool
	ancestors     map[digest.Digest]bool // nil: no ancestor filter
	before, since string                 // container IDs
}

// Containers lists containers as GET /containers/json does, newest first.
func (d *Daemon) Containers(ctx context.Context, opts backend.ContainerListOptions) ([]apicontainer.Summary, error) {
	lf, err := d.resolveListFilter(opts)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := []apicontainer.Summary{}
	skipping := lf.before != ""
	for _, c := range d.containers.List() {
		if skipping {
			// Only what was created before that container is listed.
			skipping = c.ID != lf.before
			continue
		}
		if c.ID == lf.since {
			break
		}
		if lf.Limit > 0 && len(out) == lf.Limit {
			break
		}
		if !lf.match(c) {
			continue
		}
		s := d.summary(c, now)
		if lf.Size {
			s.SizeRw, s.SizeRootFs = d.containerSize(c)
		}
		out = append(out, s)
	}
	return out, nil
}

// resolveListFilter checks the filters and looks up the containers and
// images they name.
func (d *Daemon) resolveListFilter(opts backend.ContainerListOptions) (*listFilter, error) {
	f := opts.Filters
	if err := f.Validate(containerListFilters...); err != nil {
		return nil, err
	}
	lf := &listFilter{ContainerListOptions: opts, exited: map[int]bool{}}
	for _, v := range f.Get("exited") {
		code, err := strconv.Atoi(v)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'exited=%s'", v))
		}
		lf.exited[code] = true
	}
	for _, v := range f.Get("status") {
		if err := apicontainer.ValidateContainerState(apicontainer.ContainerState(v)); err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'status=%s': %v", v, err))
		}
		lf.All = true // asking for exited containers means showing them
	}
	for _, v := range f.Get("health") {
		if err := apicontainer.ValidateHealthStatus(apicontainer.HealthStatus(v)); err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'health=%s': %v", v, err))
		}
	}
	if isTask, given, err := f.Bool("is-task"); err != nil {
		return nil, err
	} else if given {
		lf.isTask = &isTask
	}
	for _, key := range []string{"before", "since"} {
		for _, v := range f.Get(key) {
			c, err := d.containers.Get(v)
			if err != nil {
				return nil, err
			}
			if key == "before" {
				lf.before = c.ID
			} else {
				lf.since = c.ID
			}
		}
	}
	if f.Has("ancestor") {
		ancestors, err := d.imageDescendants(f.Get("ancestor"))
		if err != nil {
			return nil, err
		}
		lf.ancestors = ancestors
	}
	return lf, nil
}

// imageDescendants resolves image names to the IDs of those images and
// of every image built on them: a container of a child image descends
// from the parent too. Names that resolve to nothing are skipped, as
// Docker skips them.
func (d *Daemon) imageDescendants(names []string) (map[digest.Digest]bool, error) {
	recs, err := d.images.List()
	if err != nil {
		return nil, err
	}
	children := map[digest.Digest][]digest.Digest{}
	for _, r := range recs {
		if r.Parent != "" {
			children[r.Parent] = append(children[r.Parent], r.ID)
		}
	}
	out := map[digest.Digest]bool{}
	var add func(id digest.Digest)
	add = func(id digest.Digest) {
		if out[id] {
			return
		}
		out[id] = true
		for _, c := range children[id] {
			add(c)
		}
	}
	for _, name := range names {
		if rec, _, err := d.images.Resolve(name); err == nil {
			add(rec.ID)
		}
	}
	return out, nil
}

// match applies the filters that look at one container alone.
func (lf *listFilter) match(c *container.Container) bool {
	f := lf.Filters
	switch {
	case !c.State.IsRunning() && !lf.All && lf.Limit <= 0:
		return false
	case f.Has("name") && !matchRegexp(f, "name", "/"+c.Name) && !matchRegexp(f, "name", c.Name):
		return false
	case f.Has("id") && !matchIDPrefix(f.Get("id"), c.ID):
		return false
	case lf.isTask != nil && *lf.isTask: // Berth runs no swarm tasks
		return false
	case !f.MatchLabels("label", c.Config.Labels), !f.MatchLabels("annotation", c.HostConfig.Annotations):
		return false
	case len(lf.exited) > 0 && (c.State.IsRunning() || c.State.StartedAt.IsZero() || !lf.exited[c.State.ExitCode]):
		return false
	case !f.ExactMatch("status", string(c.State.Status)):
		return false
	case !f.ExactMatch("health", string(c.State.HealthStatus())):
		return false
	case f.Has("volume"), f.Has("network"), f.Has("publish"), f.Has("expose"):
		return false // no container has volumes, networks or ports yet
	case lf.ancestors != nil && !lf.ancestors[c.Image]:
		return false
	}
	return true
}

// matchRegexp is Docker's name matching: the value itself, or any of the
// given patterns as an unanchored regular expression ("web" matches
// "/my-web-1").
func matchRegexp(f filters.Args, key, value string) bool {
	if f[key][value] {
		return true
	}
	for pattern := range f[key] {
		if ok, err := regexp.MatchString(pattern, value); err == nil && ok {
			return true
		}
	}
	return false
}

func matchIDPrefix(prefixes []string, id string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// summary is one row of the list.
func (d *Daemon) summary(c *container.Container, now time.Time) apicontainer.Summary {
	s := apicontainer.Summary{
		ID:              c.ID,
		Names:           []string{"/" + c.Name},
		Image:           d.imageName(c),
		ImageID:         c.Image.String(),
		Command:         commandLine(c.Path, c.Args),
		Created:         c.Created.Unix(),
		Ports:           []apicontainer.PortSummary{},
		Labels:          c.Config.Labels,
		State:           apicontainer.ContainerState(c.State.Status),
		Status:          c.State.Describe(now),
		Health:          c.State.HealthSummary(),
		NetworkSettings: &apicontainer.NetworkSettingsSummary{Networks: map[string]*network.EndpointSettings{}},
		Mounts:          d.containerMounts(c),
	}
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	if c.HostConfig != nil {
		s.HostConfig.NetworkMode = string(c.HostConfig.NetworkMode)
		s.HostConfig.Annotations = c.HostConfig.Annotations
	}
	s.Ports = d.portSummaries(c.ID)
	s.NetworkSettings.Networks = d.endpointSettings(c)
	return s
}

// imageName is the image as the client named it at create, unless that
// name now designates another image (or none): then the ID, as Docker
// shows it.
func (d *Daemon) imageName(c *container.Container) string {
	name := c.Config.Image
	if name == c.Image.String() {
		return name
	}
	if rec, _, err := d.images.Resolve(name); err != nil || rec.ID != c.Image {
		return c.Image.String()
	}
	return name
}

// commandLine is the COMMAND column: the path and arguments joined by
// spaces, with arguments that contain a space put in single quotes.
func commandLine(path string, args []string) string {
	parts := []string{path}
	for _, a := range args {
		if strings.Contains(a, " ") {
			a = "'" + a + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
