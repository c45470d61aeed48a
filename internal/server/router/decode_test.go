package router

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

func TestReadJSON(t *testing.T) {
	read := func(ct, body string) (map[string]string, error) {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(body))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		var out map[string]string
		return out, ReadJSON(r, &out, false)
	}
	if out, err := read("application/json; charset=utf-8", `{"a":"b"}`); err != nil || out["a"] != "b" {
		t.Errorf("plain body: %v %v", out, err)
	}
	// Just below the bound is fine, just above is refused.
	fits := `{"a":"` + strings.Repeat("x", MaxJSONBody-8) + `"}`
	if _, err := read("application/json", fits); err != nil {
		t.Errorf("%d-byte body: %v", len(fits), err)
	}
	tooBig := `{"a":"` + strings.Repeat("x", MaxJSONBody) + `"}`
	if _, err := read("application/json", tooBig); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "request body too large") {
		t.Errorf("oversized body: %v", err)
	}
	for _, tc := range []struct{ ct, body, want string }{
		{"application/x-tar", `{}`, "unsupported Content-Type header (application/x-tar): must be 'application/json'"},
		{"application/json", `{"a":`, "invalid JSON: unexpected EOF"},
		{"application/json", `{} {}`, "unexpected content after JSON"},
	} {
		if _, err := read(tc.ct, tc.body); !errdefs.IsInvalidArgument(err) || err.Error() != tc.want {
			t.Errorf("%s %q: %v, want %q", tc.ct, tc.body, err, tc.want)
		}
	}
	if _, err := read("", ""); !errors.Is(err, ErrNoBody) {
		t.Errorf("empty body: %v, want ErrNoBody", err)
	}
}
