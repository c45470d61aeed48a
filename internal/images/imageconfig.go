package images

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/opencontainers/go-digest"
)

// ImageConfig reads and decodes the config blob of an image.
func (s *Service) ImageConfig(ctx context.Context, id digest.Digest) (*dockerspec.DockerOCIImage, error) {
	data, err := s.content.ReadBlob(ctx, id)
	if err != nil {
		return nil, err
	}
	return decodeConfig(data)
}

func decodeConfig(data []byte) (*dockerspec.DockerOCIImage, error) {
	var img dockerspec.DockerOCIImage
	if err := json.Unmarshal(data, &img); err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid image config: %s", err.Error()))
	}
	if img.RootFS.Type != "" && img.RootFS.Type != "layers" {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid image config: unsupported rootfs type %q", img.RootFS.Type))
	}
	return &img, nil
}
