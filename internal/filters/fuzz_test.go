package filters

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/containerd/errdefs"
)

// FuzzFromJSON: any filters parameter either decodes or is refused as an
// invalid argument; what decodes survives a round trip and every reader
// of Args copes with it.
func FuzzFromJSON(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `{"dangling":{"true":true}}`, `{"label":{"a=b":true,"c":true}}`,
		`{"dangling":["true"]}`, `{"name":["web*","[a-"]}`, `{"until":{"10m":true}}`,
		`{"before":{"x":false}}`, `[]`, `null`, `{"a":null}`, `{"a":{"b":1}}`, `{`,
	} {
		f.Add(s, "10m")
	}
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, s, ts string) {
		if _, err := ParseTimestamp(ts, now); err != nil && !errdefs.IsInvalidArgument(err) {
			t.Fatalf("ParseTimestamp(%q): %v", ts, err)
		}
		a, err := FromJSON(s)
		if err != nil {
			if !errdefs.IsInvalidArgument(err) {
				t.Fatalf("FromJSON(%q): %v is not an invalid argument", s, err)
			}
			return
		}
		data, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := FromJSON(string(data))
		if err != nil {
			t.Fatalf("re-encoded %s does not decode: %v", data, err)
		}
		if len(a)+len(b) > 0 && !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip of %q: %v became %v", s, a, b)
		}
		for key := range a {
			a.Get(key)
			a.Bool(key)
			a.MatchLabels(key, map[string]string{"a": "b"})
			a.MatchGlob(key, "web")
			a.ExactMatch(key, "x")
		}
		a.Validate("dangling", "label")
	})
}
