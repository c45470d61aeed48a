package container

import (
	"strings"
	"time"

	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// Inspect is GET /containers/{name}/json as far as the record alone tells
// it; the caller adds the paths, storage, mounts and networks, which other
// services know. The host config is a copy.
func (c *Container) Inspect() *apicontainer.InspectResponse {
	hc := *c.HostConfig
	return &apicontainer.InspectResponse{
		ID:              c.ID,
		Created:         c.Created.UTC().Format(time.RFC3339Nano),
		Path:            c.Path,
		Args:            c.Args,
		State:           c.State.API(),
		Image:           c.Image.String(),
		Name:            "/" + c.Name,
		RestartCount:    c.RestartCount,
		Platform:        "linux",
		AppArmorProfile: SecurityOpt(hc.SecurityOpt, "apparmor"),
		HostConfig:      &hc,
		Config:          c.Config,
		NetworkSettings: &apicontainer.NetworkSettings{
			Ports:    network.PortMap{},
			Networks: map[string]*network.EndpointSettings{},
		},
	}
}

// API is the state as inspect shows it, times in RFC 3339 UTC.
func (s *State) API() *apicontainer.State {
	return &apicontainer.State{
		Status:     apicontainer.ContainerState(s.Status),
		Running:    s.IsRunning(),
		Paused:     s.Status == Paused,
		Restarting: s.Status == Restarting,
		OOMKilled:  s.OOMKilled,
		Dead:       s.Status == Dead,
		Pid:        s.Pid,
		ExitCode:   s.ExitCode,
		Error:      s.Error,
		StartedAt:  s.StartedAt.UTC().Format(time.RFC3339Nano),
		FinishedAt: s.FinishedAt.UTC().Format(time.RFC3339Nano),
		Health:     s.InspectHealth(),
	}
}

// SecurityOpt returns the value of key in --security-opt (key=value, or
// the old key:value), or "".
func SecurityOpt(opts []string, key string) string {
	for _, o := range opts {
		for _, sep := range []string{"=", ":"} {
			if k, v, ok := strings.Cut(o, sep); ok && k == key {
				return v
			}
		}
	}
	return ""
}
