package container

import (
	"strings"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// MergeImageConfig fills what the client left out from the image, with
// Docker's rules: an entrypoint given by the client drops the image's cmd.
func MergeImageConfig(cfg *apicontainer.Config, img *dockerspec.DockerOCIImageConfig) {
	if cfg.User == "" {
		cfg.User = img.User
	}
	if cfg.WorkingDir == "" {
		cfg.WorkingDir = img.WorkingDir
	}
	if len(cfg.Entrypoint) == 0 && len(cfg.Cmd) == 0 {
		cfg.Cmd = img.Cmd
	}
	if cfg.Entrypoint == nil {
		cfg.Entrypoint = img.Entrypoint
	}
	if len(cfg.Entrypoint) == 1 && cfg.Entrypoint[0] == "" {
		cfg.Entrypoint = nil // --entrypoint "": the client's way to drop the image's
	}
	if len(cfg.Env) == 0 {
		cfg.Env = append([]string{}, img.Env...)
	} else {
		cfg.Env = MergeEnv(img.Env, cfg.Env)
	}
	if cfg.StopSignal == "" {
		cfg.StopSignal = img.StopSignal
	}
	if len(img.Labels) > 0 {
		labels := map[string]string{}
		for k, v := range img.Labels {
			labels[k] = v
		}
		for k, v := range cfg.Labels {
			labels[k] = v
		}
		cfg.Labels = labels
	}
	cfg.Healthcheck = MergeHealthConfig(cfg.Healthcheck, img.Healthcheck)
	if len(cfg.Shell) == 0 {
		cfg.Shell = img.Shell
	}
	for p := range img.ExposedPorts {
		port, err := network.ParsePort(p)
		if err != nil {
			continue // an image with a malformed port spec still runs
		}
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = network.PortSet{}
		}
		cfg.ExposedPorts[port] = struct{}{}
	}
	for v := range img.Volumes {
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		cfg.Volumes[v] = struct{}{}
	}
}

// MergeEnv overlays the client's variables on the image's, by name.
func MergeEnv(base, over []string) []string {
	out := append([]string{}, base...)
	index := map[string]int{}
	for i, kv := range out {
		k, _, _ := strings.Cut(kv, "=")
		index[k] = i
	}
	for _, kv := range over {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := index[k]; ok {
			out[i] = kv
			continue
		}
		index[k] = len(out)
		out = append(out, kv)
	}
	return out
}

// CommandOf joins entrypoint and cmd into the process to run.
func CommandOf(cfg *apicontainer.Config) (string, []string) {
	argv := append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...)
	if len(argv) == 0 {
		return "", nil
	}
	return argv[0], argv[1:]
}
