package events

import (
	"strings"

	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/events"
)

// FilterNames are the filters /events accepts.
var FilterNames = []string{"type", "event", "action", "image", "container", "label", "daemon", "network", "volume", "plugin", "node", "service", "secret", "config", "scope"}

// Match reports whether msg passes every filter in f, with Docker's rules:
// values of one filter are alternatives, different filters must all hold.
func Match(msg events.Message, f filters.Args) bool {
	if !f.ExactMatch("type", string(msg.Type)) || !f.ExactMatch("scope", msg.Scope) {
		return false
	}
	if !matchAction(f, string(msg.Action)) {
		return false
	}
	if !f.MatchLabels("label", msg.Actor.Attributes) {
		return false
	}
	objects := map[events.Type]string{
		events.ContainerEventType: "container",
		events.ImageEventType:     "image",
		events.DaemonEventType:    "daemon",
		events.NetworkEventType:   "network",
		events.VolumeEventType:    "volume",
		events.PluginEventType:    "plugin",
	}
	for typ, key := range objects {
		if !f.Has(key) {
			continue
		}
		if !matchObject(msg, typ, key, f) {
			return false
		}
	}
	return true
}

// matchAction applies the event filter ("event" is the old name of
// "action"; values of both are alternatives). The actions that carry a
// detail after a colon ("health_status: healthy", "exec_start: sh -c …")
// are matched by their prefix as in Docker: once health_status,
// exec_create or exec_start is among the values, every value matches an
// action it begins.
func matchAction(f filters.Args, action string) bool {
	values := append(f.Get("event"), f.Get("action")...)
	if len(values) == 0 {
		return true
	}
	prefix := false
	for _, v := range values {
		switch v {
		case "health_status", "exec_create", "exec_start":
			prefix = true
		}
	}
	for _, v := range values {
		if v == action || (prefix && strings.HasPrefix(action, v)) {
			return true
		}
	}
	return false
}

// matchObject applies an object filter such as image=busybox: an event of
// another type never matches it, except that container events also match
// on the image they were made from, as in Docker.
func matchObject(msg events.Message, typ events.Type, key string, f filters.Args) bool {
	names := []string{msg.Actor.ID, msg.Actor.Attributes["name"]}
	if typ == events.ImageEventType && msg.Type == events.ContainerEventType {
		names = []string{msg.Actor.Attributes["image"]}
	} else if msg.Type != typ {
		return false
	}
	for _, n := range names {
		if n != "" && f[key][n] {
			return true
		}
		if typ == events.ImageEventType && n != "" {
			for want := range f[key] {
				if want+":latest" == n {
					return true
				}
			}
		}
	}
	return false
}
