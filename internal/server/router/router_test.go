package router

import (
	"context"
	"net/http/httptest"
	"testing"
)

func TestBoolValue(t *testing.T) {
	for q, want := range map[string]bool{
		"": false, "x=": false, "x=0": false, "x=false": false, "x=False": false, "x=no": false,
		"x=1": true, "x=true": true, "x=True": true, "x=yes": true, "y=1": false,
	} {
		r := httptest.NewRequest("GET", "/?"+q, nil)
		if got := BoolValue(r, "x"); got != want {
			t.Errorf("%q: got %v", q, got)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	if !BoolValueOrDefault(r, "quiet", true) {
		t.Error("default not used")
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1.9", "1.24", -1}, {"1.24", "1.24", 0}, {"1.56", "1.6", 1}, {"2", "1.99", 1}, {"1.50.1", "1.50", 1},
	} {
		if got := CompareVersions(c.a, c.b); got != c.want {
			t.Errorf("CompareVersions(%s, %s) = %d", c.a, c.b, got)
		}
	}
	ctx := context.Background()
	if VersionFromContext(ctx) != DefaultAPIVersion || VersionBefore(ctx, "1.52") {
		t.Error("a context without a version is the default version")
	}
	if !VersionBefore(WithVersion(ctx, "1.50"), "1.52") {
		t.Error("1.50 is before 1.52")
	}
}
