// Package format renders berth's output the way docker does: Go templates
// with docker's helper functions, "table" templates aligned into columns
// under a header row, and "json" as one JSON object per line.
package format

import (
	"fmt"
	"reflect"
	"strings"
	"text/template"

	"github.com/docker/cli/templates"
)

// New returns an empty template that knows docker's helper functions
// (json, split, join, title, lower, upper, pad, truncate). They are docker's
// CLI's own, so that a format written for docker means the same here, down
// to join taking any slice or map; the string helpers also take the API
// types' named strings (see stringFuncs).
func New(name string) *template.Template {
	return templates.New(name).Funcs(stringFuncs)
}

// stringFuncs are docker's string helpers, taking any value whose kind is
// string. The API types name many of their strings (container.ContainerState,
// events.Action), and text/template will not pass those where a plain
// string parameter is declared: {{upper .State.Status}} would fail where
// docker, whose older types used plain strings, prints RUNNING.
var stringFuncs = template.FuncMap{
	"lower": stringFunc(strings.ToLower),
	"upper": stringFunc(strings.ToUpper),
	//nolint:staticcheck // docker's title is strings.Title; keep its behaviour.
	"title": stringFunc(strings.Title),
	"split": func(v any, sep string) ([]string, error) {
		s, err := asString(v)
		return strings.Split(s, sep), err
	},
	"pad": func(v any, before, after int) (string, error) {
		s, err := asString(v)
		if s == "" {
			return s, err
		}
		return strings.Repeat(" ", before) + s + strings.Repeat(" ", after), err
	},
	"truncate": func(v any, n int) (string, error) {
		s, err := asString(v)
		if len(s) < n {
			return s, err
		}
		return s[:n], err
	},
}

func stringFunc(fn func(string) string) func(any) (string, error) {
	return func(v any) (string, error) {
		s, err := asString(v)
		return fn(s), err
	}
}

// asString accepts a string or any value of a string kind, and refuses the
// rest in text/template's words.
func asString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String(), nil
	}
	return "", fmt.Errorf("wrong type for value; expected string; got %T", v)
}

// headerFuncs replace docker's functions when a table's header row is
// rendered, so that a column like {{upper .Name}} is titled by the header
// text unchanged.
var headerFuncs = templates.HeaderFunctions

// Parse parses a user template, wording errors as docker does.
func Parse(text string) (*template.Template, error) {
	tmpl, err := New("").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("template parsing error: %w", err)
	}
	return tmpl, nil
}
