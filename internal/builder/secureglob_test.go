package builder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecureGlobStaysInRoot(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("host"), 0o644)
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "app", "src"), 0o755)
	os.WriteFile(filepath.Join(root, "app", "src", "a.go"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(root, "app", "src", "b.go"), []byte("b"), 0o644)
	os.Symlink(outside, filepath.Join(root, "evil"))            // absolute link out
	os.Symlink("../../..", filepath.Join(root, "app", "climb")) // relative link out

	for _, pat := range []string{"evil/secret", "evil/*", "app/climb/" + filepath.Base(outside) + "/secret", "/evil/secret"} {
		got, err := secureGlob(dirFS{root}, pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range got {
			p := filepath.Join(root, rel)
			if strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
				t.Fatalf("%q matched %q, outside the root", pat, p)
			}
			if data, _ := os.ReadFile(p); string(data) == "host" {
				t.Fatalf("%q reached the host file through %q", pat, p)
			}
		}
	}
	got, err := secureGlob(dirFS{root}, "app/src/*.go")
	if err != nil || len(got) != 2 || filepath.Base(got[0]) != "a.go" {
		t.Fatalf("plain glob: %v %v", got, err)
	}
	if got, _ := secureGlob(dirFS{root}, "."); len(got) != 1 || got[0] != "" {
		t.Fatalf("root: %v", got)
	}
}
