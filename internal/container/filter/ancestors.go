package filter

import "github.com/opencontainers/go-digest"

// Descendants gives roots and every image built on them, given each
// image's parent: a container of a child image descends from the parent
// too.
func Descendants(roots []digest.Digest, parents map[digest.Digest]digest.Digest) map[digest.Digest]bool {
	children := map[digest.Digest][]digest.Digest{}
	for id, parent := range parents {
		if parent != "" {
			children[parent] = append(children[parent], id)
		}
	}
	out := map[digest.Digest]bool{}
	var add func(id digest.Digest)
	add = func(id digest.Digest) {
		if out[id] {
			return
		}
		out[id] = true
		for _, c := range children[id] {
			add(c)
		}
	}
	for _, id := range roots {
		add(id)
	}
	return out
}
