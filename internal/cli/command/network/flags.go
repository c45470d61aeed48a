package network

import (
	"fmt"
	"strings"
)

// mapOpt is docker's "map" flag type: repeatable key=value pairs, a bare
// key meaning an empty value.
type mapOpt struct {
	values map[string]string
}

// Set records one pair.
func (m *mapOpt) Set(s string) error {
	if m.values == nil {
		m.values = map[string]string{}
	}
	k, v, _ := strings.Cut(s, "=")
	m.values[k] = v
	return nil
}

// String prints the pairs as the help's "(default map[])".
func (m *mapOpt) String() string { return fmt.Sprintf("%v", m.values) }

// Type names the flag's value in help output.
func (m *mapOpt) Type() string { return "map" }

// Value returns the pairs, an empty map when none were given (the docker
// CLI always sends an object, never null).
func (m *mapOpt) Value() map[string]string {
	out := make(map[string]string, len(m.values))
	for k, v := range m.values {
		out[k] = v
	}
	return out
}

// keyValues reads --label style key=value strings into a map; a bare key
// has an empty value.
func keyValues(pairs []string) map[string]string {
	m := make(map[string]string, len(pairs))
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return m
}
