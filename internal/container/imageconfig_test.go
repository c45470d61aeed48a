package container

import (
	"reflect"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	apicontainer "github.com/moby/moby/api/types/container"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestMergeImageConfig(t *testing.T) {
	img := &dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{
		User: "nobody", WorkingDir: "/app", Entrypoint: []string{"/init"}, Cmd: []string{"serve"},
		Env: []string{"PATH=/bin", "A=1"}, Labels: map[string]string{"a": "img", "b": "img"},
		ExposedPorts: map[string]struct{}{"80/tcp": {}, "bad/port": {}}, Volumes: map[string]struct{}{"/data": {}},
	}}
	cfg := &apicontainer.Config{Cmd: []string{"sh"}, Env: []string{"A=2", "B=3"}, Labels: map[string]string{"b": "client"}, User: "root"}
	MergeImageConfig(cfg, img)
	if cfg.User != "root" || cfg.WorkingDir != "/app" || !reflect.DeepEqual(cfg.Entrypoint, []string{"/init"}) || !reflect.DeepEqual(cfg.Cmd, []string{"sh"}) {
		t.Errorf("merged %+v", cfg)
	}
	if !reflect.DeepEqual(cfg.Env, []string{"PATH=/bin", "A=2", "B=3"}) || cfg.Labels["a"] != "img" || cfg.Labels["b"] != "client" {
		t.Errorf("env %v labels %v", cfg.Env, cfg.Labels)
	}
	if len(cfg.ExposedPorts) != 1 || len(cfg.Volumes) != 1 {
		t.Errorf("ports %v volumes %v", cfg.ExposedPorts, cfg.Volumes)
	}
	// An entrypoint from the client drops the image's cmd.
	cfg = &apicontainer.Config{Entrypoint: []string{"echo"}}
	MergeImageConfig(cfg, img)
	if path, args := CommandOf(cfg); path != "echo" || len(args) != 0 {
		t.Errorf("command %q %q", path, args)
	}
	if path, _ := CommandOf(&apicontainer.Config{}); path != "" {
		t.Errorf("empty command %q", path)
	}
}

func TestCheckHostConfig(t *testing.T) {
	refused := map[string]apicontainer.HostConfig{
		"can't create 'AutoRemove' container with restart policy": {AutoRemove: true, RestartPolicy: apicontainer.RestartPolicy{Name: "always"}},
		"invalid restart policy: maximum retry count can only":    {RestartPolicy: apicontainer.RestartPolicy{Name: "always", MaximumRetryCount: 1}},
		"invalid restart policy: unknown policy 'often'":          {RestartPolicy: apicontainer.RestartPolicy{Name: "often"}},
		"Minimum memory limit allowed is 6MB":                     {Resources: apicontainer.Resources{Memory: 1}},
		"You should always set the Memory limit":                  {Resources: apicontainer.Resources{MemorySwap: 1 << 30}},
		"invalid resource limits: values cannot be negative":      {Resources: apicontainer.Resources{CPUShares: -2}},
		"conflicting options: Nano CPUs and CPU Period":           {Resources: apicontainer.Resources{NanoCPUs: 1e8, CPUPeriod: 1000}},
	}
	for want, hc := range refused {
		if _, err := CheckHostConfig(&hc); !errdefs.IsInvalidArgument(err) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
	ok := apicontainer.HostConfig{RestartPolicy: apicontainer.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}}
	if _, err := CheckHostConfig(&ok); err != nil {
		t.Error(err)
	}
}
