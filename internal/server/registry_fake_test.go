package server_test

import (
	"context"

	imagerouter "github.com/berth/berth/internal/server/router/image"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
)

// The image backend grew pull and push with the registry work; the fake
// engine has no registry.

func (cliBackend) PullImage(context.Context, imagerouter.PullOptions, func(jsonstream.Message)) error {
	return errdefs.ErrNotImplemented.WithMessage("pulling images is not supported yet: registries are not implemented")
}

func (cliBackend) PushImage(context.Context, imagerouter.PushOptions, func(jsonstream.Message)) error {
	return errdefs.ErrNotImplemented.WithMessage("pulling images is not supported yet: registries are not implemented")
}
