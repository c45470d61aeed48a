package images

import (
	"context"
	"io"

	"github.com/berth/berth/internal/builder"
	apicontainer "github.com/moby/moby/api/types/container"
)

// Run implements builder.Runner: a RUN step is an ordinary container,
// created through the same path as any other (StepContainers) and run to
// its exit with its output attached (Runner); its upper directory then
// becomes the step's layer, as a commit makes one.
func (b buildBackend) Run(ctx context.Context, req builder.RunRequest) (io.ReadCloser, error) {
	s := b.s
	cfg := &apicontainer.Config{
		Image: req.Image.ID, Cmd: req.Cmd, Entrypoint: []string{}, Env: req.Env,
		User: req.User, WorkingDir: req.WorkDir,
		// A step runs no health check of its image, as Docker's builder.
		Healthcheck: &apicontainer.HealthConfig{Test: []string{"NONE"}},
	}
	hc := &apicontainer.HostConfig{NetworkMode: apicontainer.NetworkMode(req.Network), ExtraHosts: req.ExtraHosts}
	id, err := s.steps.Create(ctx, cfg, hc)
	if err != nil {
		return nil, err
	}
	remove := func() {
		_ = s.steps.Remove(context.WithoutCancel(ctx), id)
	}
	keep := func() {}
	if req.Started != nil {
		req.Started(id)
	}
	out := req.Output
	if out == nil {
		out = io.Discard
	}
	errOut := req.Stderr
	if errOut == nil {
		errOut = out
	}
	code, err := s.runner.RunToExit(ctx, id, out, errOut)
	if err != nil {
		remove()
		return nil, err
	}
	if code != 0 {
		if !req.KeepFailed {
			remove()
		}
		return nil, &builder.ExitError{Code: code}
	}
	upper, err := s.steps.Upper(ctx, id)
	if err != nil {
		remove()
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(upper.Diff(ctx, pw)) }()
	if req.Keep {
		return &runLayer{PipeReader: pr, remove: keep}, nil
	}
	return &runLayer{PipeReader: pr, remove: remove}, nil
}

// runLayer is a RUN step's changes; closing it removes the container.
type runLayer struct {
	*io.PipeReader
	remove func()
}

func (r *runLayer) Close() error {
	r.PipeReader.Close()
	r.remove()
	return nil
}
