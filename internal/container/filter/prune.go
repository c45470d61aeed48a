package filter

import "github.com/berth/berth/internal/filters"

// PruneKeys are the filters `docker container prune` may send.
var PruneKeys = []string{"label", "label!", "until"}

// PruneLabels applies label (all must match) and label! (excluded when
// all of them match), as Docker's prune does.
func PruneLabels(f filters.Args, labels map[string]string) bool {
	if !f.MatchLabels("label", labels) {
		return false
	}
	return !f.Has("label!") || !f.MatchLabels("label!", labels)
}
