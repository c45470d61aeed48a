package image

import (
	"context"
	"io"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/filters"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/api/types/registry"
)

// Backend is what the image router needs from the daemon.
type Backend interface {
	Images(ctx context.Context, opts backend.ImageListOptions) ([]image.Summary, error)
	ImageInspect(ctx context.Context, name string, opts backend.ImageInspectOptions) (*backend.ImageInspect, error)
	ImageHistory(ctx context.Context, name string) ([]image.HistoryResponseItem, error)
	// TagImage points repo:tag at the image named by name.
	TagImage(ctx context.Context, name, repo, tag string) error
	// ImageDelete untags or deletes as `docker rmi` does.
	ImageDelete(ctx context.Context, name string, force, prune bool) ([]image.DeleteResponse, error)
	ImagesPrune(ctx context.Context, f filters.Args) (*image.PruneReport, error)
	// ImportImage makes a one-layer image from a root filesystem tarball and
	// returns its ID.
	ImportImage(ctx context.Context, src io.Reader, opts backend.ImportOptions) (string, error)
	// OpenImportURL starts fetching an import's tarball from src (a URL,
	// http:// when it names no scheme) and returns its body and the URL.
	OpenImportURL(ctx context.Context, src string) (io.ReadCloser, string, error)
	// LoadImage reads a docker-archive or OCI layout tarball and reports what
	// it loaded through progress as lines such as "Loaded image: busybox:latest".
	LoadImage(ctx context.Context, src io.Reader, progress func(line string)) error
	// ExportImages writes the named images (all of them in one tarball) in
	// the format `docker save` writes.
	ExportImages(ctx context.Context, names []string, w io.Writer) error
	// PullImage fetches an image from its registry, reporting progress as
	// the JSON messages docker clients render. An error returned before
	// the first message becomes the response's status.
	PullImage(ctx context.Context, opts backend.PullOptions, progress func(jsonstream.Message)) error
	// PushImage uploads the tagged images of a repository to its registry.
	PushImage(ctx context.Context, opts backend.PushOptions, progress func(jsonstream.Message)) error
	// SearchImages asks a registry's search index for repositories
	// matching term (limit 0: the default), filtered by f.
	SearchImages(ctx context.Context, term string, limit int, f filters.Args) ([]registry.SearchResult, error)
}
