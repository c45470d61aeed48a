package backend

import (
	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/image"
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

// ImageInspectOptions are the query parameters of GET /images/{name}/json.
type ImageInspectOptions struct {
	// Platform, when set (API 1.49), must match the image's platform.
	Platform *Platform
}

// Platform is an OCI platform as the API's JSON `platform` parameters
// spell it.
type Platform struct {
	OS           string   `json:"os"`
	Architecture string   `json:"architecture"`
	Variant      string   `json:"variant,omitempty"`
	OSVersion    string   `json:"os.version,omitempty"`
	OSFeatures   []string `json:"os.features,omitempty"`
}

// ImageInspect is an image's inspect answer with the fields the API types
// no longer carry but older API versions (and images with a parent) show.
type ImageInspect struct {
	image.InspectResponse
	// Parent is the image this one was committed or built on ("" for a
	// pulled, loaded or imported one).
	Parent string
}
