package backend

import "io"

// BuildOptions are the query parameters of POST /build, decoded.
type BuildOptions struct {
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
