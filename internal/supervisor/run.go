package supervisor

import (
	"context"
	"io"

	"github.com/berth/berth/internal/backend"
	apicontainer "github.com/moby/moby/api/types/container"
)

// RunToExit starts a created container with its output attached to stdout
// and stderr and returns its exit code once it ended and its output is
// delivered: a build step's RUN, with no log file in between.
func (s *Supervisor) RunToExit(ctx context.Context, id string, stdout, stderr io.Writer) (int, error) {
	exited, err := s.Wait(ctx, id, apicontainer.WaitConditionNextExit)
	if err != nil {
		return 0, err
	}
	streams := func(bool) (io.ReadCloser, io.Writer, io.Writer, error) {
		return nil, stdout, stderr, nil
	}
	attached := make(chan error, 1)
	attachCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	registered := make(chan struct{})
	go func() {
		attached <- s.attach(attachCtx, id, AttachOptions{AttachOptions: backend.AttachOptions{
			Stdout: true, Stderr: true, Stream: true, GetStreams: streams,
		}}, registered)
	}()
	<-registered
	if err := s.Start(ctx, id); err != nil {
		return 0, err
	}
	var res apicontainer.WaitResponse
	select {
	case res = <-exited:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	if err := <-attached; err != nil {
		return 0, err
	}
	return int(res.StatusCode), nil
}
