// Package filters parses and matches the "filters" query parameter of the
// Docker Engine API: a JSON object from a filter name to the set of values
// asked for, as in {"dangling":{"true":true},"label":{"a=b":true}}.
package filters

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/containerd/errdefs"
)

// Args maps a filter name to the set of values given for it.
type Args map[string]map[string]bool

// New returns an Args holding the given key=value pairs.
func New(pairs ...[2]string) Args {
	a := Args{}
	for _, p := range pairs {
		a.Add(p[0], p[1])
	}
	return a
}

// Add records one more value for key.
func (a Args) Add(key, value string) {
	if a[key] == nil {
		a[key] = map[string]bool{}
	}
	a[key][value] = true
}

// FromJSON decodes the filters parameter. Both the current map form and the
// legacy list form ({"dangling":["true"]}) that old clients send are accepted.
func FromJSON(s string) (Args, error) {
	a := Args{}
	if s == "" {
		return a, nil
	}
	if err := json.Unmarshal([]byte(s), (*map[string]map[string]bool)(&a)); err == nil {
		return a, nil
	}
	var legacy map[string][]string
	if err := json.Unmarshal([]byte(s), &legacy); err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter: %v", err))
	}
	for k, vs := range legacy {
		for _, v := range vs {
			a.Add(k, v)
		}
	}
	return a, nil
}

// Validate refuses a filter name that is not among accepted.
func (a Args) Validate(accepted ...string) error {
	for k := range a {
		ok := false
		for _, name := range accepted {
			if k == name {
				ok = true
				break
			}
		}
		if !ok {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter '%s'", k))
		}
	}
	return nil
}

// Has reports whether the filter key was given at all.
func (a Args) Has(key string) bool { return len(a[key]) > 0 }

// Get returns the values of key in no particular order.
func (a Args) Get(key string) []string {
	out := make([]string, 0, len(a[key]))
	for v := range a[key] {
		out = append(out, v)
	}
	return out
}

// ExactMatch reports whether value is one of the values of key, or key was
// not given.
func (a Args) ExactMatch(key, value string) bool {
	if !a.Has(key) {
		return true
	}
	return a[key][value]
}

// Bool returns the value of a boolean filter such as dangling. A filter that
// was not given yields (false, false).
func (a Args) Bool(key string) (value, given bool, err error) {
	if !a.Has(key) {
		return false, false, nil
	}
	if a[key]["true"] || a[key]["1"] {
		if a[key]["false"] || a[key]["0"] {
			return false, true, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter '%s': both true and false given", key))
		}
		return true, true, nil
	}
	for v := range a[key] {
		if v != "false" && v != "0" {
			return false, true, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter '%s=%s'", key, v))
		}
	}
	return false, true, nil
}

// MatchLabels reports whether labels satisfy every "label" filter: "key"
// needs the key present, "key=value" needs that value. An empty filter
// matches anything.
func (a Args) MatchLabels(key string, labels map[string]string) bool {
	for want := range a[key] {
		k, v, hasValue := strings.Cut(want, "=")
		got, ok := labels[k]
		if !ok || (hasValue && got != v) {
			return false
		}
	}
	return true
}

// MatchGlob reports whether value matches one of the shell patterns given
// for key, or key was not given.
func (a Args) MatchGlob(key, value string) bool {
	if !a.Has(key) {
		return true
	}
	for pattern := range a[key] {
		if ok, _ := path.Match(pattern, value); ok {
			return true
		}
	}
	return false
}
