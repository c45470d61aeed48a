package container

import (
	"time"

	apicontainer "github.com/moby/moby/api/types/container"
)

// Docker's health check defaults, used where the configuration leaves a
// value at zero.
const (
	DefaultHealthInterval      = 30 * time.Second
	DefaultHealthTimeout       = 30 * time.Second
	DefaultHealthStartPeriod   = 0
	DefaultHealthStartInterval = 5 * time.Second
	DefaultHealthRetries       = 3
)

// maxHealthLog is how many probe results State.Health keeps, as Docker.
const maxHealthLog = 5

// HealthProbe is the command a container's health check runs and whether
// it runs in the container's shell (CMD-SHELL); ok is false when the
// container has no health check (none configured, NONE, or a type Docker
// does not know, which Docker ignores too).
func HealthProbe(cfg *apicontainer.Config) (cmd []string, shell, ok bool) {
	if cfg == nil || cfg.Healthcheck == nil || len(cfg.Healthcheck.Test) == 0 {
		return nil, false, false
	}
	test := cfg.Healthcheck.Test
	switch test[0] {
	case "CMD":
		return test[1:], false, len(test) > 1
	case "CMD-SHELL":
		return test[1:], true, len(test) > 1
	}
	return nil, false, false
}

// HealthTiming is a health check's schedule with Docker's defaults applied.
type HealthTiming struct {
	Interval, Timeout, StartPeriod, StartInterval time.Duration
	Retries                                       int
}

// Timing returns hc's schedule; zero values take Docker's defaults.
func Timing(hc *apicontainer.HealthConfig) HealthTiming {
	t := HealthTiming{
		Interval: DefaultHealthInterval, Timeout: DefaultHealthTimeout, StartPeriod: DefaultHealthStartPeriod,
		StartInterval: DefaultHealthStartInterval, Retries: DefaultHealthRetries,
	}
	if hc == nil {
		return t
	}
	if hc.Interval > 0 {
		t.Interval = hc.Interval
	}
	if hc.Timeout > 0 {
		t.Timeout = hc.Timeout
	}
	if hc.StartPeriod > 0 {
		t.StartPeriod = hc.StartPeriod
	}
	if hc.StartInterval > 0 {
		t.StartInterval = hc.StartInterval
	}
	if hc.Retries > 0 {
		t.Retries = hc.Retries
	}
	return t
}

// HealthStatus is the container's health as ps and its filter show it:
// "none" for a container whose health check never ran.
func (s *State) HealthStatus() apicontainer.HealthStatus {
	if s.Health == nil {
		return apicontainer.NoHealthcheck
	}
	return s.Health.Status
}

// StartHealth begins a run's health checking: starting again with no
// failures counted, the results of earlier runs kept, as Docker.
func (s *State) StartHealth() {
	h := s.copyHealth()
	h.Status, h.FailingStreak = apicontainer.Starting, 0
	s.Health = h
}

// StopHealth records that probes stopped (the run ended or was paused):
// Docker then reports the container unhealthy until a probe says
// otherwise.
func (s *State) StopHealth() {
	if s.Health == nil {
		return
	}
	h := s.copyHealth()
	h.Status = apicontainer.Unhealthy
	s.Health = h
}

// RecordProbe applies one probe's result: success makes the container
// healthy; a failure adds to the failing streak, unless the container is
// still starting within its start period, and retries failures in a row
// make it unhealthy. It reports whether the status changed.
func (s *State) RecordProbe(r apicontainer.HealthcheckResult, t HealthTiming) (changed bool) {
	h := s.copyHealth()
	if h.Status == "" {
		h.Status = apicontainer.Starting
	}
	old := h.Status
	h.Log = append(h.Log, &r)
	if len(h.Log) > maxHealthLog {
		h.Log = h.Log[len(h.Log)-maxHealthLog:]
	}
	switch {
	case r.ExitCode == 0:
		h.FailingStreak = 0
		h.Status = apicontainer.Healthy
	case h.Status == apicontainer.Starting && r.Start.Sub(s.StartedAt) < t.StartPeriod:
		// Failures while the container is still starting do not count.
	default:
		h.FailingStreak++
		if h.FailingStreak >= t.Retries {
			h.Status = apicontainer.Unhealthy
		}
	}
	s.Health = h
	return h.Status != old
}

// copyHealth returns a fresh copy of the health state: a State is copied
// by value for readers outside the store, so the health it points to is
// replaced, never changed in place.
func (s *State) copyHealth() *apicontainer.Health {
	if s.Health == nil {
		return &apicontainer.Health{}
	}
	h := *s.Health
	h.Log = append([]*apicontainer.HealthcheckResult(nil), s.Health.Log...)
	return &h
}

// healthSuffix is what ps adds to "Up …" for a container with a health
// check, in Docker's words.
func (s *State) healthSuffix() string {
	switch s.HealthStatus() {
	case apicontainer.NoHealthcheck:
		return ""
	case apicontainer.Starting:
		return " (health: starting)"
	case "":
		return " (unhealthy)" // as Docker reads a status not yet set
	}
	return " (" + string(s.Health.Status) + ")"
}

// HealthSummary is the health a container list shows.
func (s *State) HealthSummary() *apicontainer.HealthSummary {
	sum := &apicontainer.HealthSummary{Status: s.HealthStatus()}
	if s.Health != nil {
		sum.FailingStreak = s.Health.FailingStreak
	}
	return sum
}

// InspectHealth is State.Health as inspect shows it, nil for a container
// whose health check never ran; the caller may keep it.
func (s *State) InspectHealth() *apicontainer.Health {
	if s.Health == nil {
		return nil
	}
	return s.copyHealth()
}
