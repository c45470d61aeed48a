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
	// KeepContainers (rm=false) keeps the containers of successful RUN
	// steps; ForceRemove (forcerm) removes even a failed step's, which is
	// otherwise kept, as Docker's.
	ExtraHosts     []string // extrahosts: "name:ip" lines for RUN's /etc/hosts
	KeepContainers bool
	ForceRemove    bool
	Platform       string
	// Output receives progress text; Aux the image ID once built.
	Output io.Writer
	Aux    func(id string)
}
