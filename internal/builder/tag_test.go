package builder

import "testing"

func TestFamiliarTag(t *testing.T) {
	for in, want := range map[string]string{
		"web":                       "web:latest",
		"app:1":                     "app:1",
		"docker.io/library/busybox": "busybox:latest",
		"127.0.0.1:5000/team/app":   "127.0.0.1:5000/team/app:latest",
		"Bad Name":                  "Bad Name",
	} {
		if got := familiarTag(in); got != want {
			t.Errorf("familiarTag(%q) = %q, want %q", in, got, want)
		}
	}
}
