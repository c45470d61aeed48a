// Package build serves POST /build with the classic builder's contract: a
// tar context in the body, options in the query, and a stream of JSON
// messages (step lines, an aux message with the image ID, errorDetail).
package build

import (
	"context"
	"io"
)

// Options are the query parameters of POST /build, decoded.
type Options struct {
	Context    io.Reader
	Tags       []string
	Dockerfile string
	BuildArgs  map[string]*string
	Labels     map[string]string
	NoCache    bool
	Pull       bool
	Target     string
	Network    string
	Quiet      bool
	Platform   string
	// Output receives progress text; Aux the image ID once built.
	Output io.Writer
	Aux    func(id string)
}

// Backend builds images.
type Backend interface {
	Build(ctx context.Context, opts Options) (string, error)
	// PruneBuildCache forgets every cached step and reports the bytes
	// reclaimed by doing so.
	PruneBuildCache(ctx context.Context) (int64, error)
}
