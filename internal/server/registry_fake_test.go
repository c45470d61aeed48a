package server_test

import (
	"context"

	"github.com/berth/berth/internal/backend"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
)

// The fake backend behind the CLI checks has no registry: its pull and push
// fail as an unreachable registry does, which checks that the docker CLI
// shows the engine's words.

func (cliBackend) PullImage(context.Context, backend.PullOptions, func(jsonstream.Message)) error {
	return errdefs.ErrUnavailable.WithMessage("fake engine: registry for busybox:latest is unreachable")
}

func (cliBackend) PushImage(context.Context, backend.PushOptions, func(jsonstream.Message)) error {
	return errdefs.ErrUnavailable.WithMessage("fake engine: registry is unreachable")
}
