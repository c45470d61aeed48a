package archtest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// goList runs `go list` in the module with args and returns its output
// lines. It never reaches the network: modules come from the module cache
// that building the module filled, and go.mod is not changed.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// hasPrefix reports whether path is prefix or below it.
func hasPrefix(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func anyPrefix(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if hasPrefix(path, p) {
			return true
		}
	}
	return false
}

// TestExternalImports checks every import from outside the module and the
// standard library, of every package's files and tests, against its row.
func TestExternalImports(t *testing.T) {
	const tmpl = `{{.ImportPath}}|{{.Standard}}|{{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`
	std := map[string]bool{}
	for _, p := range goList(t, "std") {
		std[p] = true
	}
	mod := strings.TrimSuffix(module, "/")
	for _, line := range goList(t, "-f", tmpl, "./...") {
		path, rest, _ := strings.Cut(line, "|")
		_, imports, _ := strings.Cut(rest, "|")
		pkg := strings.TrimPrefix(strings.TrimPrefix(path, mod), "/")
		row, ok := rowFor(pkg)
		if !ok {
			continue // TestImportRules names it
		}
		for _, imp := range strings.Fields(imports) {
			if std[imp] || imp == "C" || hasPrefix(imp, mod) {
				continue
			}
			if !anyPrefix(imp, rules[row].ext) {
				t.Errorf("%s imports %s, which its row (%s) does not allow", pkg, imp, row)
			}
		}
	}
}

// TestShimDependencies checks everything berth-shim is built from: its
// module packages may have rows that allow more (for their tests), but
// what the binary links is the standard library and shimExt only.
func TestShimDependencies(t *testing.T) {
	for _, line := range goList(t, "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./cmd/berth-shim") {
		if line == "" || strings.HasPrefix(line, module) {
			continue
		}
		if !anyPrefix(line, shimExt) {
			t.Errorf("berth-shim is built with %s; the shim may use only the standard library and %v", line, shimExt)
		}
	}
}

// TestBerthLeavesComposeOut checks that berth does not link the Compose SDK
// or Berth's compose package: berth-compose is `berth compose`, so that no
// other command pays for the SDK's package initialisation at start-up.
func TestBerthLeavesComposeOut(t *testing.T) {
	for _, line := range goList(t, "-deps", "-f", "{{.ImportPath}}", "./cmd/berth") {
		if hasPrefix(line, compose) || hasPrefix(line, module+"internal/compose") {
			t.Errorf("berth is built with %s; only berth-compose may link compose", line)
		}
	}
}
