package container

import (
	"testing"
	"time"

	apicontainer "github.com/moby/moby/api/types/container"
)

func TestInspectAndSummary(t *testing.T) {
	started := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	c := &Container{
		ID: "abc", Name: "web", Path: "sh", Args: []string{"-c", "echo hi; sleep 1"},
		Config:     &apicontainer.Config{},
		HostConfig: &apicontainer.HostConfig{NetworkMode: "none", SecurityOpt: []string{"label:disable", "apparmor:unconfined"}},
		State:      State{Status: Paused, Pid: 7, StartedAt: started},
	}
	got := c.Inspect()
	if got.Name != "/web" || got.AppArmorProfile != "unconfined" || got.Platform != "linux" || got.HostConfig == c.HostConfig {
		t.Errorf("inspect %+v", got)
	}
	st := got.State
	if !st.Running || !st.Paused || st.Pid != 7 || st.StartedAt != "2026-01-02T02:04:05Z" || st.FinishedAt != "0001-01-01T00:00:00Z" {
		t.Errorf("state %+v", st)
	}
	s := c.Summary(started.Add(time.Hour))
	if s.Command != "sh -c 'echo hi; sleep 1'" || s.Names[0] != "/web" || s.State != "paused" || s.Labels == nil || s.HostConfig.NetworkMode != "none" {
		t.Errorf("summary %+v", s)
	}
}
