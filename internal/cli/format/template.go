// Package format renders berth's output the way docker does: Go templates
// with docker's helper functions, "table" templates aligned into columns
// under a header row, and "json" as one JSON object per line.
package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
)

// funcs are the helpers docker offers inside --format templates.
var funcs = template.FuncMap{
	"json": func(v any) string {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			panic(err)
		}
		return strings.TrimSpace(buf.String())
	},
	"split": strings.Split,
	"join":  strings.Join,
	//nolint:staticcheck // docker uses strings.Title; keep its exact behaviour.
	"title":    strings.Title,
	"lower":    strings.ToLower,
	"upper":    strings.ToUpper,
	"pad":      pad,
	"truncate": truncate,
}

// headerFuncs replace funcs when a table's header row is rendered, so that a
// column like {{upper .Name}} is titled by the header text unchanged.
var headerFuncs = template.FuncMap{
	"json":     func(v string) string { return v },
	"split":    func(v string, _ string) string { return v },
	"join":     func(v string, _ string) string { return v },
	"title":    func(v string) string { return v },
	"lower":    func(v string) string { return v },
	"upper":    func(v string) string { return v },
	"truncate": func(v string, _ int) string { return v },
}

func pad(s string, before, after int) string {
	if s == "" {
		return s
	}
	return strings.Repeat(" ", before) + s + strings.Repeat(" ", after)
}

func truncate(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

// New returns an empty template that knows docker's helper functions.
func New(name string) *template.Template {
	return template.New(name).Funcs(funcs)
}

// Parse parses a user template, wording errors as docker does.
func Parse(text string) (*template.Template, error) {
	tmpl, err := New("").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("template parsing error: %w", err)
	}
	return tmpl, nil
}
