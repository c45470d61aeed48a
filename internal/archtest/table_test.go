package archtest

// The architecture table: one row per package (by path below the module),
// saying what it may import. A package's subpackages share its row unless
// they have one of their own, and a package imports its own subpackages
// freely. docs/ARCHITECTURE.md describes the same packages in prose; adding
// a package is one line here and one there.
//
// mod lists packages of this module ("*" for any); ext lists the import
// path prefixes it may use outside the module and the standard library,
// by library. A lower layer never imports a higher one.
var rules = map[string]struct{ mod, ext []string }{
	"cmd/berthd":                     {[]string{"internal/config", "internal/daemon", "internal/server"}, []string{pflag}},
	"cmd/berth":                      {[]string{"internal/cli"}, nil},
	"cmd/berth-compose":              {[]string{"internal/compose"}, nil},
	"internal/cli":                   {nil, []string{cobra, pflag, mobyAPI, mobyClient, dockerCLI, goUnits, goArchive, patternmatcher, reference, imageSpec, errdefs, xsys, ggcr}}, // ggcr: manifest inspect reads the registry itself, as docker's
	"internal/compose":               {[]string{"internal/cli/command"}, []string{cobra, dockerCLI, compose, mobyAPI}},                                                             // the Compose SDK and the client lib only; never the daemon
	"internal/server":                {[]string{"internal/filters", "internal/backend"}, []string{mobyAPI, reference, errdefs, xsys}},
	"internal/server/router/network": {[]string{"internal/filters", "internal/server/router", "internal/backend"}, []string{mobyAPI, errdefs}},
	"internal/server/router/check":   {[]string{"internal/check", "internal/server/router"}, nil},
	"internal/backend":               {[]string{"internal/filters"}, []string{mobyAPI}},
	"internal/supervisor":            {[]string{"internal/check", "internal/container", "internal/shim", "internal/backend", "internal/filters", "internal/jsonlog"}, []string{mobyAPI, runtimeSpec, errdefs, bbolt, xsys}},
	"internal/daemon":                {[]string{"internal/check", "internal/config", "internal/content", "internal/events", "internal/filters", "internal/image", "internal/images", "internal/volumes", "internal/networks", "internal/layer", "internal/snapshot", "internal/sysinfo", "internal/container", "internal/mount", "internal/runtime", "internal/jsonlog", "internal/cgroups", "internal/registry", "internal/volume", "internal/network", "internal/backend", "internal/supervisor"}, []string{mobyAPI, dockerImageSpec, runtimeSpec, digest, reference, errdefs, bbolt, securejoin, xsys}},
	"internal/images":                {[]string{"internal/check", "internal/content", "internal/snapshot", "internal/image", "internal/imagearchive", "internal/layer", "internal/mount", "internal/registry", "internal/builder", "internal/events", "internal/filters", "internal/backend"}, []string{mobyAPI, imageSpec, dockerImageSpec, digest, reference, errdefs, platforms, bbolt, compress}},
	"internal/container":             {[]string{"internal/cgroups"}, []string{mobyAPI, dockerImageSpec, imageSpec, runtimeSpec, seccomp, digest, goUnits, errdefs, bbolt, securejoin, xsys}},
	"internal/container/etc":         {nil, nil},
	"internal/container/filter":      {[]string{"internal/container", "internal/filters"}, []string{mobyAPI, digest, errdefs}},
	"internal/mount":                 {nil, []string{xsys}},
	"internal/volume":                {[]string{"internal/mount"}, []string{errdefs, bbolt, xsys}},
	"internal/networks":              {[]string{"internal/check", "internal/network", "internal/container", "internal/filters"}, []string{mobyAPI, errdefs}},
	"internal/volumes":               {[]string{"internal/check", "internal/volume", "internal/container", "internal/events", "internal/filters", "internal/layer"}, []string{mobyAPI, runtimeSpec, errdefs, securejoin}},
	"internal/network":               {nil, []string{netlink, netns, nftables, dns, errdefs, bbolt, xsys}},
	"cmd/berth-shim":                 {[]string{"internal/shim", "internal/jsonlog"}, shimExt},
	"internal/shim":                  {[]string{"internal/runtime", "internal/jsonlog"}, shimExt},
	"internal/runtime":               {nil, shimExt},
	"internal/jsonlog":               {nil, []string{errdefs}}, // in tests only: the shim uses jsonlog
	"internal/cgroups":               {nil, []string{mobyAPI, errdefs, xsys}},
	"internal/config":                {nil, nil},
	"internal/check":                 {nil, nil},
	"internal/filters":               {nil, []string{errdefs}},
	"internal/events":                {[]string{"internal/filters"}, []string{mobyAPI}},
	"internal/content":               {nil, []string{digest, errdefs}},
	"internal/registry":              {[]string{"internal/content"}, []string{ggcr, imageSpec, digest, reference, errdefs}},
	"internal/image":                 {nil, []string{dockerfile, dockerImageSpec, digest, reference, errdefs, bbolt}},
	"internal/imagearchive":          {nil, []string{imageSpec, digest, reference, errdefs}},
	"internal/layer":                 {nil, []string{compress, securejoin, errdefs, xsys}},
	"internal/snapshot":              {nil, []string{digest, errdefs}},
	"internal/builder":               {[]string{"internal/image"}, []string{dockerfile, dockerImageSpec, patternmatcher, securejoin, errdefs, reference}},
	"internal/sysinfo":               {nil, []string{xsys}},
	"internal/archtest":              {nil, nil},
	"internal/testutil":              {[]string{"*"}, []string{mobyClient, reference, bbolt}},
	"integration":                    {[]string{"*"}, []string{mobyAPI, mobyClient, ggcr, imageSpec, netlink, nftables, dns, errdefs, bbolt}},
	"hack":                           {[]string{"internal/testutil"}, nil},
	"hack/man":                       {[]string{"internal/cli"}, []string{cobra}},
	"bench":                          {[]string{"*"}, []string{runtimeSpec}},
}

// shimExt is all that berth-shim, and every module package it is built
// from, may use besides the standard library: it runs once per container
// and must stay small (TestShimDependencies).
var shimExt = []string{xsys, runtimeSpec}

// The libraries of DESIGN.md, by import path prefix.
const (
	bbolt           = "go.etcd.io/bbolt"
	cobra           = "github.com/spf13/cobra"
	compose         = "github.com/docker/compose/v5"
	compress        = "github.com/klauspost/compress"
	digest          = "github.com/opencontainers/go-digest"
	dns             = "github.com/miekg/dns"
	dockerCLI       = "github.com/docker/cli"
	dockerImageSpec = "github.com/moby/docker-image-spec"
	dockerfile      = "github.com/moby/buildkit/frontend/dockerfile"
	errdefs         = "github.com/containerd/errdefs"
	ggcr            = "github.com/google/go-containerregistry"
	goArchive       = "github.com/moby/go-archive"
	goUnits         = "github.com/docker/go-units"
	imageSpec       = "github.com/opencontainers/image-spec"
	mobyAPI         = "github.com/moby/moby/api"
	mobyClient      = "github.com/moby/moby/client"
	netlink         = "github.com/vishvananda/netlink"
	netns           = "github.com/vishvananda/netns"
	platforms       = "github.com/containerd/platforms"
	nftables        = "github.com/google/nftables"
	patternmatcher  = "github.com/moby/patternmatcher"
	pflag           = "github.com/spf13/pflag"
	reference       = "github.com/distribution/reference"
	runtimeSpec     = "github.com/opencontainers/runtime-spec"
	seccomp         = "github.com/moby/profiles/seccomp"
	securejoin      = "github.com/cyphar/filepath-securejoin"
	xsys            = "golang.org/x/sys"
)
