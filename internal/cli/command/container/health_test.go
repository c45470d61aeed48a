package container

import (
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/spf13/pflag"
)

// healthConfig parses args as run's health flags.
func healthConfig(t *testing.T, args ...string) (*container.HealthConfig, error) {
	t.Helper()
	var o healthOptions
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	o.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return o.config()
}

func TestHealthFlags(t *testing.T) {
	hc, err := healthConfig(t, "--health-cmd", "nc -z localhost 80", "--health-interval", "2s", "--health-retries", "4",
		"--health-timeout", "500ms", "--health-start-period", "1m", "--health-start-interval", "100ms")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(hc.Test, "|") != "CMD-SHELL|nc -z localhost 80" || hc.Interval != 2*time.Second || hc.Retries != 4 ||
		hc.Timeout != 500*time.Millisecond || hc.StartPeriod != time.Minute || hc.StartInterval != 100*time.Millisecond {
		t.Fatalf("config %+v", hc)
	}
	// Timing alone keeps the image's command: no Test is sent.
	if hc, err := healthConfig(t, "--health-interval", "1s"); err != nil || hc == nil || hc.Test != nil || hc.Interval != time.Second {
		t.Fatalf("interval alone: %+v %v", hc, err)
	}
	if hc, err := healthConfig(t); hc != nil || err != nil {
		t.Fatalf("no flags sent %+v %v", hc, err)
	}
	if hc, err := healthConfig(t, "--no-healthcheck"); err != nil || strings.Join(hc.Test, "") != "NONE" {
		t.Fatalf("--no-healthcheck: %+v %v", hc, err)
	}
	if _, err := healthConfig(t, "--no-healthcheck", "--health-retries", "2"); err == nil || err.Error() != "--no-healthcheck conflicts with --health-* options" {
		t.Fatalf("conflict: %v", err)
	}
	if _, err := healthConfig(t, "--health-timeout", "-1s"); err == nil || err.Error() != "--health-timeout cannot be negative" {
		t.Fatalf("negative: %v", err)
	}
}
