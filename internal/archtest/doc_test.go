package archtest

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docPackages reads the package column of docs/ARCHITECTURE.md's
// "## Packages" table. A cell names one or more packages by their full
// path, separated by ", "; "a/{b,c}" stands for a/b and a/c.
func docPackages(t *testing.T) map[string]bool {
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Packages\n")
	if !ok {
		t.Fatal(`docs/ARCHITECTURE.md has no "## Packages" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	out := map[string]bool{}
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(line, "|") {
			continue
		}
		cell := strings.TrimSpace(cells[1])
		if cell == "package" || strings.Trim(cell, "-") == "" {
			continue // header and separator
		}
		rows++
		for _, name := range expandBraces(cell) {
			out[name] = true
		}
	}
	if rows == 0 {
		t.Fatal("docs/ARCHITECTURE.md's package table has no rows")
	}
	return out
}

var braces = regexp.MustCompile(`\{([^{}]*)\}`)

// expandBraces turns "a/{b,c}, d" into a/b, a/c and d.
func expandBraces(cell string) []string {
	var out []string
	for _, item := range splitOutsideBraces(cell) {
		item = strings.TrimSpace(item)
		m := braces.FindStringSubmatchIndex(item)
		if m == nil {
			out = append(out, item)
			continue
		}
		for _, alt := range strings.Split(item[m[2]:m[3]], ",") {
			out = append(out, expandBraces(item[:m[0]]+strings.TrimSpace(alt)+item[m[1]:])...)
		}
	}
	return out
}

func splitOutsideBraces(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '{':
			depth++
		case r == '}':
			depth--
		case r == ',' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// TestDocListsEveryPackage keeps docs/ARCHITECTURE.md's package table true
// to the tree: every package of the module has a row, and every package a
// row names exists.
func TestDocListsEveryPackage(t *testing.T) {
	listed := docPackages(t)
	exists := map[string]bool{}
	walkPackages(t, func(pkg string, _ []string) {
		exists[pkg] = true
		if !listed[pkg] {
			t.Errorf("docs/ARCHITECTURE.md's package table has no row for %s; add one", pkg)
		}
	})
	var gone []string
	for pkg := range listed {
		if !exists[pkg] {
			gone = append(gone, pkg)
		}
	}
	sort.Strings(gone)
	for _, pkg := range gone {
		t.Errorf("docs/ARCHITECTURE.md's package table names %s, which is no package of the module", pkg)
	}
}

func TestExpandBraces(t *testing.T) {
	got := expandBraces("internal/shim, cmd/{a,b}, x/{c, d}/e")
	want := []string{"internal/shim", "cmd/a", "cmd/b", "x/c/e", "x/d/e"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
}
