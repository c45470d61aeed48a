package format

import (
	"bytes"
	"strings"
	"testing"
)

type row struct{ name, size string }

func (r row) Name() string { return r.name }
func (r row) Size() string { return r.size }

func TestContextWrite(t *testing.T) {
	rows := []any{row{"alpha", "1MB"}, row{"b", "22.5MB"}}
	header := map[string]string{"Name": "NAME", "Size": "SIZE"}
	for _, tc := range []struct{ format, want string }{
		{"table {{.Name}}\t{{.Size}}", "NAME      SIZE\nalpha     1MB\nb         22.5MB\n"},
		{"table {{upper .Name}}\\t{{.Size}}", "NAME      SIZE\nALPHA     1MB\nB         22.5MB\n"},
		{"{{.Name}}={{.Size}}", "alpha=1MB\nb=22.5MB\n"},
		{"{{truncate .Name 2}}|{{pad .Name 1 2}}|{{title .Name}}|{{join (split .Size \".\") \",\"}}", "al| alpha  |Alpha|1MB\nb| b  |B|22,5MB\n"},
	} {
		var out bytes.Buffer
		if err := (Context{Output: &out, Format: tc.format}).Write(header, rows); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.format, out.String(), tc.want)
		}
	}
	if err := (Context{Output: &bytes.Buffer{}, Format: "{{"}).Write(header, rows); err == nil {
		t.Error("bad template accepted")
	}
}

func TestHelpers(t *testing.T) {
	if got := TruncateID("sha256:65ad0d468eb1c558bf7f"); got != "65ad0d468eb1" {
		t.Errorf("TruncateID = %q", got)
	}
	if got := Ellipsis("/bin/sh -c echo hello world", 10); got != "/bin/sh -…" {
		t.Errorf("Ellipsis = %q", got)
	}
	if got := Ellipsis("short", 10); got != "short" {
		t.Errorf("Ellipsis = %q", got)
	}
}

type state string

// TestDockerFunctions checks the functions docker's CLI (v29) offers: join
// over any slice or map, json without HTML escaping, and the string
// helpers on named strings.
func TestDockerFunctions(t *testing.T) {
	data := map[string]any{
		"Tags":   []string{"a:1", "b:2"},
		"Any":    []any{"x", 2},
		"Labels": map[string]string{"k2": "v2", "k1": "v1"},
		"State":  state("running"),
		"HTML":   "<a&b>",
	}
	for _, tc := range []struct{ text, want string }{
		{`{{join .Tags ","}}`, "a:1,b:2"},
		{`{{join .Any "+"}}`, "x+2"},
		{`{{join .Labels ";"}}`, "v1;v2"},
		{`{{json .HTML}}`, `"<a&b>"`},
		{`{{upper .State}} {{title .State}} {{truncate .State 3}} {{split .State "n"}}`, "RUNNING Running run [ru  i g]"},
	} {
		tmpl, err := Parse(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := tmpl.Execute(&out, data); err != nil {
			t.Errorf("%s: %v", tc.text, err)
			continue
		}
		if out.String() != tc.want {
			t.Errorf("%s = %q, want %q", tc.text, out.String(), tc.want)
		}
	}
	tmpl, _ := Parse(`{{upper .Labels}}`)
	if err := tmpl.Execute(&bytes.Buffer{}, data); err == nil || !strings.Contains(err.Error(), "expected string; got map[string]string") {
		t.Errorf("upper of a map: %v", err)
	}
}
