package backend

import (
	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/registry"
)

// PullOptions are the parameters of POST /images/create?fromImage=.
type PullOptions struct {
	Ref      string // the name with its tag or digest, as the client spelt it
	Platform string // os[/arch[/variant]], empty for linux/amd64
	Auth     registry.AuthConfig
}

// PushOptions are the parameters of POST /images/{name}/push.
type PushOptions struct {
	Name string // repository, without tag
	Tag  string // empty pushes every tag of the repository
	Auth registry.AuthConfig
}

// ImageListOptions are the query parameters of GET /images/json.
type ImageListOptions struct {
	All        bool
	Filters    filters.Args
	SharedSize bool
	Digests    bool
	Manifests  bool
}

// ImportOptions are the query parameters of POST /images/create?fromSrc=.
type ImportOptions struct {
	Repo     string   // repository, possibly with a tag ("name:tag"); empty for an untagged import
	Tag      string   // tag; empty means "latest" when Repo is set
	Message  string   // commit message recorded in the image history
	Changes  []string // Dockerfile instructions applied to the config
	Platform string
}
