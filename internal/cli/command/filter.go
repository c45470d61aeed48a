package command

import (
	"errors"
	"sort"
	"strings"

	"github.com/moby/moby/client"
)

// errBadFilter is docker's wording for a filter without "=".
var errBadFilter = errors.New("bad format of filter (expected name=value)")

// FilterOpt is a repeatable --filter flag collecting name=value pairs.
type FilterOpt struct {
	values client.Filters
}

// Set adds one name=value pair; names are case-insensitive.
func (f *FilterOpt) Set(s string) error {
	if s == "" {
		return nil
	}
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		return errBadFilter
	}
	if f.values == nil {
		f.values = client.Filters{}
	}
	f.values.Add(strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value))
	return nil
}

// String lists the pairs, sorted, for help output.
func (f *FilterOpt) String() string {
	var out []string
	for name, values := range f.values {
		for v := range values {
			out = append(out, name+"="+v)
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// Type names the flag's value in help output.
func (f *FilterOpt) Type() string { return "filter" }

// Value returns a copy of the collected filters, never nil.
func (f *FilterOpt) Value() client.Filters {
	if f.values == nil {
		return client.Filters{}
	}
	return f.values.Clone()
}

// ListOpt is a repeatable string flag (docker's "list" type).
type ListOpt struct {
	values []string
}

// Set appends one value.
func (l *ListOpt) Set(s string) error {
	l.values = append(l.values, s)
	return nil
}

// String shows the values as docker's help does.
func (l *ListOpt) String() string {
	if len(l.values) == 0 {
		return ""
	}
	return "[" + strings.Join(l.values, " ") + "]"
}

// Type names the flag's value in help output.
func (l *ListOpt) Type() string { return "list" }

// Values returns the collected values.
func (l *ListOpt) Values() []string { return l.values }
