package container

import (
	"strings"
	"time"

	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// Summary is the container's row of GET /containers/json as far as the
// record alone tells it; the caller adds the image name, mounts, ports and
// networks, which other services know.
func (c *Container) Summary(now time.Time) apicontainer.Summary {
	s := apicontainer.Summary{
		ID:              c.ID,
		Names:           []string{"/" + c.Name},
		Image:           c.Image.String(),
		ImageID:         c.Image.String(),
		Command:         CommandLine(c.Path, c.Args),
		Created:         c.Created.Unix(),
		Ports:           []apicontainer.PortSummary{},
		Labels:          c.Config.Labels,
		State:           apicontainer.ContainerState(c.State.Status),
		Status:          c.State.Describe(now),
		Health:          c.State.HealthSummary(),
		NetworkSettings: &apicontainer.NetworkSettingsSummary{Networks: map[string]*network.EndpointSettings{}},
	}
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	if c.HostConfig != nil {
		s.HostConfig.NetworkMode = string(c.HostConfig.NetworkMode)
		s.HostConfig.Annotations = c.HostConfig.Annotations
	}
	return s
}

// CommandLine is the COMMAND column: the path and arguments joined by
// spaces, with arguments that contain a space put in single quotes.
func CommandLine(path string, args []string) string {
	parts := []string{path}
	for _, a := range args {
		if strings.Contains(a, " ") {
			a = "'" + a + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
