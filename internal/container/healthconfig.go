package container

import (
	"fmt"
	"time"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

// CheckHealthConfig refuses the health check settings Docker refuses at
// create, in its words: a duration, when given, is at least 1ms, and
// retries are not negative.
func CheckHealthConfig(hc *apicontainer.HealthConfig) error {
	if hc == nil {
		return nil
	}
	for _, d := range []struct {
		name  string
		value time.Duration
	}{{"Interval", hc.Interval}, {"Timeout", hc.Timeout}, {"StartPeriod", hc.StartPeriod}, {"StartInterval", hc.StartInterval}} {
		if d.value != 0 && d.value < apicontainer.MinimumDuration {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%s in Healthcheck cannot be less than %s", d.name, apicontainer.MinimumDuration))
		}
	}
	if hc.Retries < 0 {
		return errdefs.ErrInvalidArgument.WithMessage("Retries in Healthcheck cannot be negative")
	}
	return nil
}

// MergeHealthConfig is the health check a container runs: the client's,
// with every field it left at zero taken from the image's, as Docker merges
// them (so `--health-interval` alone keeps the image's command).
func MergeHealthConfig(client, image *apicontainer.HealthConfig) *apicontainer.HealthConfig {
	switch {
	case image == nil:
		return client
	case client == nil:
		cp := *image
		return &cp
	}
	out := *client
	if len(out.Test) == 0 {
		out.Test = image.Test
	}
	if out.Interval == 0 {
		out.Interval = image.Interval
	}
	if out.Timeout == 0 {
		out.Timeout = image.Timeout
	}
	if out.StartPeriod == 0 {
		out.StartPeriod = image.StartPeriod
	}
	if out.StartInterval == 0 {
		out.StartInterval = image.StartInterval
	}
	if out.Retries == 0 {
		out.Retries = image.Retries
	}
	return &out
}
