// Package build serves POST /build with the classic builder's contract: a
// tar context in the body, options in the query, and a stream of JSON
// messages (step lines, an aux message with the image ID, errorDetail).
package build

import (
	"context"

	"github.com/berth/berth/internal/backend"
)

// Backend builds images.
type Backend interface {
	Build(ctx context.Context, opts backend.BuildOptions) (string, error)
	// PruneBuildCache forgets every cached step and reports the bytes
	// reclaimed by doing so.
	PruneBuildCache(ctx context.Context) (int64, error)
}
