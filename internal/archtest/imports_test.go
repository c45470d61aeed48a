package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/berth/berth/"

// rowFor finds the most specific row of rules for a package.
func rowFor(pkg string) (string, bool) {
	best := ""
	for k := range rules {
		if (pkg == k || strings.HasPrefix(pkg, k+"/")) && len(k) > len(best) {
			best = k
		}
	}
	return best, best != ""
}

func permitted(pkg, imp string) bool {
	row, _ := rowFor(pkg)
	if imp == row || strings.HasPrefix(imp, row+"/") {
		return true
	}
	for _, a := range rules[row].mod {
		if a == "*" || imp == a || strings.HasPrefix(imp, a+"/") {
			return true
		}
	}
	return false
}

func moduleRoot(t *testing.T) string {
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s", dir)
	}
	return dir
}

// walkPackages calls fn for each directory with Go files, with the
// directory's path relative to the module root.
func walkPackages(t *testing.T, fn func(rel string, files []string)) {
	root := moduleRoot(t)
	byDir := map[string][]string{}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "bin" || d.Name() == "testdata") && p != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			byDir[rel] = append(byDir[rel], p)
		}
		return nil
	})
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		fn(filepath.ToSlash(d), byDir[d])
	}
}

func TestImportRules(t *testing.T) {
	walkPackages(t, func(pkg string, files []string) {
		if _, ok := rowFor(pkg); !ok {
			t.Errorf("package %s has no row in the import allow-list (table_test.go); add one", pkg)
			return
		}
		for _, f := range files {
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				if !strings.HasPrefix(path, module) {
					continue
				}
				target := strings.TrimPrefix(path, module)
				// Any package's tests may use the shared test fixtures
				// and prerequisite checks.
				if strings.HasSuffix(f, "_test.go") && (target == "internal/testutil" || strings.HasPrefix(target, "internal/testutil/")) {
					continue
				}
				if !permitted(pkg, target) {
					t.Errorf("%s imports %s, which its row does not allow", f, target)
				}
			}
		}
	})
}

func TestEveryPackageHasADocComment(t *testing.T) {
	walkPackages(t, func(pkg string, files []string) {
		documented, hasNonTest := false, false
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			hasNonTest = true
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if parsed.Doc != nil && strings.TrimSpace(parsed.Doc.Text()) != "" {
				documented = true
			}
		}
		if hasNonTest && !documented {
			t.Errorf("package %s has no package doc comment", pkg)
		}
	})
}

func TestNoGrabBagNames(t *testing.T) {
	walkPackages(t, func(pkg string, _ []string) {
		switch filepath.Base(pkg) {
		case "util", "utils", "helpers", "common", "misc":
			t.Errorf("package %s has a grab-bag name; name it for what it does", pkg)
		}
	})
}
