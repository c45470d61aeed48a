package container

import (
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

func TestRecordProbeStreakAndLog(t *testing.T) {
	start := time.Now()
	s := State{Status: Running, StartedAt: start}
	s.StartHealth()
	timing := HealthTiming{Retries: 2, StartPeriod: time.Minute}
	fail := apicontainer.HealthcheckResult{Start: start.Add(time.Second), ExitCode: 1}
	// Within the start period a failure is logged but not counted.
	if s.RecordProbe(fail, timing) || s.Health.FailingStreak != 0 || s.Health.Status != apicontainer.Starting {
		t.Fatalf("failure in start period: %+v", s.Health)
	}
	ok := apicontainer.HealthcheckResult{Start: start.Add(2 * time.Second)}
	if !s.RecordProbe(ok, timing) || s.Health.Status != apicontainer.Healthy {
		t.Fatalf("success: %+v", s.Health)
	}
	// Once healthy, the start period no longer shields failures.
	if s.RecordProbe(fail, timing) || s.Health.FailingStreak != 1 {
		t.Fatalf("first failure after healthy: %+v", s.Health)
	}
	if !s.RecordProbe(fail, timing) || s.Health.Status != apicontainer.Unhealthy || s.Health.FailingStreak != 2 {
		t.Fatalf("second failure: %+v", s.Health)
	}
	for i := 0; i < 10; i++ {
		s.RecordProbe(apicontainer.HealthcheckResult{ExitCode: i}, timing)
	}
	if n := len(s.Health.Log); n != 5 || s.Health.Log[4].ExitCode != 9 || s.Health.Log[0].ExitCode != 5 {
		t.Fatalf("log holds %d entries, last %d", n, s.Health.Log[n-1].ExitCode)
	}
}

func TestRecordProbeDoesNotChangeCopies(t *testing.T) {
	s := State{Status: Running}
	s.StartHealth()
	before := s
	s.RecordProbe(apicontainer.HealthcheckResult{}, Timing(nil))
	if before.Health.Status != apicontainer.Starting || len(before.Health.Log) != 0 {
		t.Fatalf("a copy taken before the probe changed: %+v", before.Health)
	}
}

func TestDescribeShowsHealth(t *testing.T) {
	now := time.Now()
	s := State{Status: Running, StartedAt: now.Add(-3 * time.Second)}
	if got := s.Describe(now); got != "Up 3 seconds" {
		t.Fatalf("no health check: %q", got)
	}
	s.StartHealth()
	if got := s.Describe(now); got != "Up 3 seconds (health: starting)" {
		t.Fatalf("starting: %q", got)
	}
	s.RecordProbe(apicontainer.HealthcheckResult{}, Timing(nil))
	if got := s.Describe(now); got != "Up 3 seconds (healthy)" {
		t.Fatalf("healthy: %q", got)
	}
	s.StopHealth()
	if got := s.Describe(now); got != "Up 3 seconds (unhealthy)" || s.HealthStatus() != apicontainer.Unhealthy {
		t.Fatalf("stopped: %q", got)
	}
}

func TestHealthConfigCheckAndMerge(t *testing.T) {
	for _, tc := range []struct {
		hc   apicontainer.HealthConfig
		want string
	}{
		{apicontainer.HealthConfig{Interval: time.Microsecond}, "Interval in Healthcheck cannot be less than 1ms"},
		{apicontainer.HealthConfig{Timeout: time.Microsecond}, "Timeout in Healthcheck cannot be less than 1ms"},
		{apicontainer.HealthConfig{StartPeriod: -time.Second}, "StartPeriod in Healthcheck cannot be less than 1ms"},
		{apicontainer.HealthConfig{StartInterval: 1}, "StartInterval in Healthcheck cannot be less than 1ms"},
		{apicontainer.HealthConfig{Retries: -1}, "Retries in Healthcheck cannot be negative"},
	} {
		err := CheckHealthConfig(&tc.hc)
		if !errdefs.IsInvalidArgument(err) || err.Error() != tc.want {
			t.Errorf("%+v: %v, want %q", tc.hc, err, tc.want)
		}
	}
	if err := CheckHealthConfig(&apicontainer.HealthConfig{Interval: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	image := &apicontainer.HealthConfig{Test: []string{"CMD", "true"}, Interval: time.Minute, Retries: 7}
	got := MergeHealthConfig(&apicontainer.HealthConfig{Interval: time.Second}, image)
	if strings.Join(got.Test, " ") != "CMD true" || got.Interval != time.Second || got.Retries != 7 {
		t.Fatalf("merged %+v", got)
	}
	if got := MergeHealthConfig(&apicontainer.HealthConfig{Test: []string{"NONE"}}, image); got.Test[0] != "NONE" {
		t.Fatalf("NONE lost: %+v", got)
	}
	if _, _, ok := HealthProbe(&apicontainer.Config{Healthcheck: &apicontainer.HealthConfig{Test: []string{"NONE"}}}); ok {
		t.Fatal("NONE has a probe")
	}
	cmd, shell, ok := HealthProbe(&apicontainer.Config{Healthcheck: &apicontainer.HealthConfig{Test: []string{"CMD-SHELL", "exit 1"}}})
	if !ok || !shell || cmd[0] != "exit 1" {
		t.Fatalf("CMD-SHELL: %v %v %v", cmd, shell, ok)
	}
}

func TestTimingDefaults(t *testing.T) {
	want := HealthTiming{Interval: 30 * time.Second, Timeout: 30 * time.Second, StartPeriod: 0, StartInterval: 5 * time.Second, Retries: 3}
	if got := Timing(nil); got != want {
		t.Fatalf("defaults %+v", got)
	}
	if got := Timing(&apicontainer.HealthConfig{Interval: time.Second, Retries: 1}); got.Interval != time.Second || got.Retries != 1 || got.Timeout != want.Timeout {
		t.Fatalf("given %+v", got)
	}
}
