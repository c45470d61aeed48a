package builder

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
)

// secureGlob expands a COPY/ADD source pattern inside root. Every directory
// on the way is resolved with securejoin, so a symlink in the build context
// or in a --from image (say evil -> /etc) is followed as if root were "/"
// and can never lead the copy to the host's files. The last component is
// not followed: a symlink named as a source is copied as a symlink.
func secureGlob(root, pattern string) ([]string, error) {
	clean := strings.Trim(path.Clean("/"+filepath.ToSlash(pattern)), "/")
	if clean == "" {
		return []string{root}, nil
	}
	names := []string{""}
	for _, part := range strings.Split(clean, "/") {
		var next []string
		for _, rel := range names {
			if !hasGlobMeta(part) {
				next = append(next, path.Join(rel, part))
				continue
			}
			dir, err := securejoin.SecureJoin(root, rel)
			if err != nil {
				return nil, err
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				continue // not a directory: nothing matches below it
			}
			for _, e := range entries {
				ok, err := path.Match(part, e.Name())
				if err != nil {
					return nil, err
				}
				if ok {
					next = append(next, path.Join(rel, e.Name()))
				}
			}
		}
		names = next
	}
	var out []string
	for _, rel := range names {
		parent, err := securejoin.SecureJoin(root, path.Dir(rel))
		if err != nil {
			return nil, err
		}
		p := filepath.Join(parent, path.Base(rel))
		if _, err := os.Lstat(p); err == nil {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}

func hasGlobMeta(s string) bool { return strings.ContainsAny(s, `*?[\`) }
