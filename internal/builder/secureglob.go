package builder

import (
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// secureGlob expands a COPY/ADD source pattern inside t. Every directory
// on the way is resolved by t, so a symlink in the build context or in a
// --from image (say evil -> /etc) is followed as if the root were "/" and
// can never lead the copy to the host's files. The last component is not
// followed: a symlink named as a source is copied as a symlink.
func secureGlob(t srcFS, pattern string) ([]string, error) {
	clean := strings.Trim(path.Clean("/"+filepath.ToSlash(pattern)), "/")
	if clean == "" {
		return []string{""}, nil
	}
	names := []string{""}
	for _, part := range strings.Split(clean, "/") {
		var next []string
		for _, rel := range names {
			if !hasGlobMeta(part) {
				next = append(next, path.Join(rel, part))
				continue
			}
			dir, err := t.resolve(rel, true)
			if err != nil {
				return nil, err
			}
			entries, err := t.readDir(dir)
			if err != nil {
				continue // not a directory: nothing matches below it
			}
			for _, e := range entries {
				ok, err := path.Match(part, e)
				if err != nil {
					return nil, err
				}
				if ok {
					next = append(next, path.Join(rel, e))
				}
			}
		}
		names = next
	}
	var out []string
	for _, rel := range names {
		p, err := t.resolve(rel, false)
		if err != nil {
			return nil, err
		}
		if _, err := t.lstat(p); err == nil {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}

func hasGlobMeta(s string) bool { return strings.ContainsAny(s, `*?[\`) }
