package filter

import (
	"regexp"
	"strings"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/filters"
)

// Match applies the filters that look at one container alone. publish,
// expose, volume and network are accepted but match nothing.
func (l *List) Match(c *container.Container) bool {
	f := l.Args
	switch {
	case !c.State.IsRunning() && !l.All && l.Limit <= 0:
		return false
	case f.Has("name") && !matchRegexp(f, "name", "/"+c.Name) && !matchRegexp(f, "name", c.Name):
		return false
	case f.Has("id") && !matchIDPrefix(f.Get("id"), c.ID):
		return false
	case l.isTask != nil && *l.isTask: // Berth runs no swarm tasks
		return false
	case !f.MatchLabels("label", c.Config.Labels), !f.MatchLabels("annotation", c.HostConfig.Annotations):
		return false
	case len(l.exited) > 0 && (c.State.IsRunning() || c.State.StartedAt.IsZero() || !l.exited[c.State.ExitCode]):
		return false
	case !f.ExactMatch("status", string(c.State.Status)):
		return false
	case !f.ExactMatch("health", string(c.State.HealthStatus())):
		return false
	case f.Has("volume"), f.Has("network"), f.Has("publish"), f.Has("expose"):
		return false // no container has volumes, networks or ports yet
	case l.ancestors != nil && !l.ancestors[c.Image]:
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
