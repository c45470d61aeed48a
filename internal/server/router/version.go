package router

import (
	"context"
	"strconv"
	"strings"
)

// The range of Engine API versions served. DefaultAPIVersion is also the
// newest: it is the version of the wire types in github.com/moby/moby/api.
const (
	MinAPIVersion     = "1.24"
	DefaultAPIVersion = "1.56"
)

type versionKey struct{}

// WithVersion returns ctx carrying the API version negotiated for a request.
func WithVersion(ctx context.Context, v string) context.Context {
	return context.WithValue(ctx, versionKey{}, v)
}

// VersionFromContext returns the API version of the request: the one in its
// path, or DefaultAPIVersion when the path had none.
func VersionFromContext(ctx context.Context) string {
	if v, ok := ctx.Value(versionKey{}).(string); ok && v != "" {
		return v
	}
	return DefaultAPIVersion
}

// CompareVersions compares dotted versions numerically ("1.9" < "1.24"),
// returning -1, 0 or 1. A missing or malformed part counts as 0.
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return 0
}

// VersionBefore reports whether the request's API version is older than v:
// handlers use it to keep the response shape older clients expect.
func VersionBefore(ctx context.Context, v string) bool {
	return CompareVersions(VersionFromContext(ctx), v) < 0
}
