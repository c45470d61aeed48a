package images

import (
	"context"
	"github.com/moby/moby/api/types/events"
	"io"
	"time"

	"github.com/berth/berth/internal/image"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// emptyLayer is the diff ID of a tar with no entries. Docker does not add
// such a layer to a committed image, only a history entry that says so.
const emptyLayer = digest.Digest("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef")

// CommitRequest describes the image a container commit makes: its
// parent's layers plus one layer of the container's changes.
type CommitRequest struct {
	Parent image.Record
	// Base is the parent's config; the new image keeps its platform and
	// history.
	Base *dockerspec.DockerOCIImage
	// Config is the new image's container config, already merged.
	Config dockerspec.DockerOCIImageConfig
	// Layer is the tar of the container's changes.
	Layer                      io.Reader
	Author, Comment, CreatedBy string
	// Ref names the image; nil leaves it without a name.
	Ref reference.Named
}

// CommitImage stores req.Layer on the parent's chain and commits the
// image's config and record, as `docker commit` does: a layer with no
// entries adds only a history entry that says so.
func (s *Service) CommitImage(ctx context.Context, req CommitRequest) (digest.Digest, error) {
	s.gcMu.RLock()
	defer s.gcMu.RUnlock()
	parent := req.Parent
	info, err := s.unpackLayer(ctx, parent.TopChainID(), "", func() (io.ReadCloser, error) { return io.NopCloser(req.Layer), nil })
	if err != nil {
		return "", err
	}

	now := time.Now().UTC()
	img := dockerspec.DockerOCIImage{Image: req.Base.Image, Config: req.Config}
	img.Created, img.Author = &now, req.Author
	img.RootFS = ocispec.RootFS{Type: "layers", DiffIDs: append([]digest.Digest(nil), parent.DiffIDs...)}
	empty := info.DiffID == emptyLayer
	if !empty {
		img.RootFS.DiffIDs = append(img.RootFS.DiffIDs, info.DiffID)
	}
	img.History = append(append([]ocispec.History(nil), req.Base.History...), ocispec.History{
		Created: &now, CreatedBy: req.CreatedBy,
		Author: req.Author, Comment: req.Comment, EmptyLayer: empty,
	})
	id, err := s.storeImage(ctx, &img, parent.ID, refsOf(req.Ref))
	if err != nil {
		return "", err
	}
	s.events.Log(events.ImageEventType, events.ActionCreate, events.Actor{ID: id.String(), Attributes: map[string]string{"name": id.String()}})
	return id, nil
}
