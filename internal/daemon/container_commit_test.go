package daemon

import (
	"reflect"
	"testing"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

func TestCommitConfigFromContainer(t *testing.T) {
	img := dockerspec.DockerOCIImageConfig{}
	img.OnBuild = []string{"RUN true"}
	img.Cmd = []string{"sh"}
	c := &apicontainer.Config{
		Hostname: "abc", User: "1000", Env: []string{"PATH=/bin", "A=1"},
		Cmd: []string{"sleep", "1"}, WorkingDir: "/srv", Labels: map[string]string{"l": "v"},
		ExposedPorts: network.PortSet{network.MustParsePort("80/tcp"): {}},
		Volumes:      map[string]struct{}{"/data": {}}, StopSignal: "SIGINT",
	}
	cfg := commitConfig(img, c, nil)
	if cfg.User != "1000" || cfg.WorkingDir != "/srv" || cfg.StopSignal != "SIGINT" ||
		!reflect.DeepEqual(cfg.Cmd, []string{"sleep", "1"}) || !reflect.DeepEqual(cfg.Env, c.Env) ||
		cfg.Labels["l"] != "v" || len(cfg.Volumes) != 1 || !reflect.DeepEqual(cfg.OnBuild, img.OnBuild) {
		t.Errorf("config: %+v", cfg)
	}
	if _, ok := cfg.ExposedPorts["80/tcp"]; !ok || len(cfg.ExposedPorts) != 1 {
		t.Errorf("ports: %v", cfg.ExposedPorts)
	}
}

func TestCommitConfigUserMerge(t *testing.T) {
	c := &apicontainer.Config{
		User: "1000", Env: []string{"PATH=/bin", "A=1"}, Cmd: []string{"sleep", "1"},
		Entrypoint: []string{"/init"}, Labels: map[string]string{"l": "v", "k": "old"},
	}
	user := &apicontainer.Config{Env: []string{"A=2", "B=3"}, Labels: map[string]string{"k": "new"}}
	cfg := commitConfig(dockerspec.DockerOCIImageConfig{}, c, user)
	if want := []string{"PATH=/bin", "A=2", "B=3"}; !reflect.DeepEqual(cfg.Env, want) {
		t.Errorf("env %q, want %q", cfg.Env, want)
	}
	if !reflect.DeepEqual(cfg.Labels, map[string]string{"l": "v", "k": "new"}) {
		t.Errorf("labels %v", cfg.Labels)
	}
	if cfg.User != "1000" || !reflect.DeepEqual(cfg.Cmd, c.Cmd) || !reflect.DeepEqual(cfg.Entrypoint, c.Entrypoint) {
		t.Errorf("inherited fields: %+v", cfg)
	}
	// A new entrypoint drops the container's command, as in Docker.
	cfg = commitConfig(dockerspec.DockerOCIImageConfig{}, c, &apicontainer.Config{Entrypoint: []string{"/other"}})
	if len(cfg.Cmd) != 0 || !reflect.DeepEqual(cfg.Entrypoint, []string{"/other"}) {
		t.Errorf("entrypoint override: cmd %q entrypoint %q", cfg.Cmd, cfg.Entrypoint)
	}
}
