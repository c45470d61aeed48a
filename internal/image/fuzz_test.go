package image

import (
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
)

// FuzzParseReference: every name berthd is given either parses, and then
// its familiar form parses back to the same reference, or is refused as an
// invalid argument; nothing panics.
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{
		"busybox", "busybox:latest", "library/busybox:1.36", "docker.io/library/busybox",
		"localhost:5000/a/b:v1", "[::1]:5000/x:y", "quay.io/org/img:tag-with.chars_1",
		"busybox@sha256:" + strings.Repeat("a", 64), "busybox:1@sha256:" + strings.Repeat("b", 64),
		"UPPER", "a:b:c", "", ":", "@", "sha256:" + strings.Repeat("c", 64), strings.Repeat("a/", 200) + "x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		ref, err := ParseReference(name)
		if err != nil {
			if !errdefs.IsInvalidArgument(err) {
				t.Fatalf("ParseReference(%q): %v is not an invalid argument", name, err)
			}
			return
		}
		again, err := ParseReference(reference.FamiliarString(ref))
		if err != nil {
			t.Fatalf("familiar form %q of %q does not parse: %v", reference.FamiliarString(ref), name, err)
		}
		if again.String() != ref.String() {
			t.Fatalf("%q parses to %q, its familiar form to %q", name, ref, again)
		}
		reference.TagNameOnly(ref) // as pull and create do
	})
}
