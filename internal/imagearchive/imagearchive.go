// Package imagearchive reads and writes the image tarballs of `docker save` and `docker load`.
//
// Three layouts exist in the wild and Read accepts all of them:
//
//   - the legacy docker-archive of Docker ≤24: manifest.json, a "<hex>.json" config per image,
//     one "<layerid>/layer.tar" per layer (shared layers are symlinks to another layer.tar),
//     and a "repositories" file;
//   - an OCI image layout: oci-layout, index.json and blobs/sha256/<hex>;
//   - the format of Docker 25+, which is an OCI layout that also carries manifest.json and
//     repositories so that old and new loaders both understand it.
//
// Write produces the Docker 25+ format. The package is pure format logic: blobs come and go
// through the small Ingester and Provider interfaces, so it knows nothing of Berth's stores.
package imagearchive

import (
	"context"
	_ "crypto/sha256" // go-digest needs the hash registered
	"fmt"
	"io"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

// Ingester stores a blob and returns its sha256 digest and size. The reader hands every file that
// may be a blob through it as it streams past, so a big layer is never held in memory.
type Ingester interface {
	Ingest(ctx context.Context, r io.Reader) (digest.Digest, int64, error)
}

// Provider gives read access to stored blobs.
//
// Write needs each layer's size before it can write the tar header. When the returned reader
// has a Size() int64 or a Stat() (fs.FileInfo, error) method (an *os.File has), that is used;
// otherwise the blob is first spooled to a temporary file.
type Provider interface {
	Open(ctx context.Context, dgst digest.Digest) (io.ReadCloser, error)
}

// Layer is one layer blob of an image as found in the archive.
type Layer struct {
	Digest    digest.Digest // digest of the blob as stored (it may be gzip/zstd compressed)
	MediaType string        // from the OCI manifest when known, else sniffed from the blob's first bytes
}

// Image is one image found in an archive.
type Image struct {
	Config   digest.Digest // digest of the config blob (the image ID)
	Layers   []Layer       // bottom first
	RepoTags []string      // familiar names ("busybox:latest", "localhost:5000/a/b:v1"); may be empty
}

// ExportImage is one image to write. Layers are the digests of UNCOMPRESSED layer tars (= diffIDs).
type ExportImage struct {
	Config   digest.Digest
	Layers   []digest.Digest
	RepoTags []string // familiar names as docker shows them, e.g. "busybox:latest"
}

// Media types of layers that the OCI image-spec package does not name: Docker's schema 2 types,
// which the legacy docker-archive implies.
const (
	MediaTypeDockerLayer     = "application/vnd.docker.image.rootfs.diff.tar"
	MediaTypeDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"

	mediaTypeDockerManifest     = "application/vnd.docker.distribution.manifest.v2+json"
	mediaTypeDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
)

// Annotations Docker 25+ puts on each index.json entry. The containerd one holds the full
// normalized name; the OCI one only the tag.
const (
	annotationImageName = "io.containerd.image.name"
	annotationRefName   = "org.opencontainers.image.ref.name"
)

// Top-level file names of the docker-archive format.
const (
	manifestFile     = "manifest.json"
	repositoriesFile = "repositories"
)

// maxMetadata caps the in-memory copy of any metadata file or JSON blob. Real ones are a few
// KiB; the cap only stops a hostile archive from exhausting memory.
const maxMetadata = 4 << 20

// invalidf returns an error of class invalid argument: the archive, not Berth, is at fault.
func invalidf(format string, args ...any) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("image archive: "+format, args...))
}
