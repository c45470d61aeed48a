package container

import (
	"errors"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/spf13/pflag"
)

// healthOptions are create/run's health check flags.
type healthOptions struct {
	cmd                                           string
	interval, timeout, startPeriod, startInterval time.Duration
	retries                                       int
	none                                          bool
}

func (o *healthOptions) addFlags(flags *pflag.FlagSet) {
	flags.StringVar(&o.cmd, "health-cmd", "", "Command to run to check health")
	flags.DurationVar(&o.interval, "health-interval", 0, "Time between running the check (ms|s|m|h) (default 0s)")
	flags.IntVar(&o.retries, "health-retries", 0, "Consecutive failures needed to report unhealthy")
	flags.DurationVar(&o.timeout, "health-timeout", 0, "Maximum time to allow one check to run (ms|s|m|h) (default 0s)")
	flags.DurationVar(&o.startPeriod, "health-start-period", 0, "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)")
	flags.DurationVar(&o.startInterval, "health-start-interval", 0, "Time between running the check during the start period (ms|s|m|h) (default 0s)")
	flags.BoolVar(&o.none, "no-healthcheck", false, "Disable any container-specified HEALTHCHECK")
}

// config is the Healthcheck to send, as the docker CLI makes it: nil when
// no flag was given (the image's applies), NONE for --no-healthcheck, and
// otherwise the values given, the daemon filling the rest from the image
// (a --health-cmd runs in the container's shell).
func (o *healthOptions) config() (*container.HealthConfig, error) {
	given := o.cmd != "" || o.interval != 0 || o.timeout != 0 || o.startPeriod != 0 || o.startInterval != 0 || o.retries != 0
	if o.none {
		if given {
			return nil, errors.New("--no-healthcheck conflicts with --health-* options")
		}
		return &container.HealthConfig{Test: []string{"NONE"}}, nil
	}
	if !given {
		return nil, nil
	}
	for _, f := range []struct {
		name     string
		negative bool
	}{
		{"--health-interval", o.interval < 0}, {"--health-timeout", o.timeout < 0}, {"--health-retries", o.retries < 0},
		{"--health-start-period", o.startPeriod < 0}, {"--health-start-interval", o.startInterval < 0},
	} {
		if f.negative {
			return nil, errors.New(f.name + " cannot be negative")
		}
	}
	hc := &container.HealthConfig{Interval: o.interval, Timeout: o.timeout, StartPeriod: o.startPeriod, StartInterval: o.startInterval, Retries: o.retries}
	if o.cmd != "" {
		hc.Test = []string{"CMD-SHELL", o.cmd}
	}
	return hc, nil
}
