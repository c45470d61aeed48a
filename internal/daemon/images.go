package daemon

import (
	"context"
	"path/filepath"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/images"
	"github.com/berth/berth/internal/layer"
	"github.com/berth/berth/internal/registry"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/opencontainers/go-digest"
)

// newImageService wires the image service to the daemon's stores; the
// containers it asks about and runs build steps in are the daemon's.
func (d *Daemon) newImageService() *images.Service {
	return images.New(images.Config{
		Content:   d.content,
		Snapshots: d.snapshots,
		Images:    d.images,
		Events:    d.events,
		DB:        d.db,
		BuildDir:  filepath.Join(d.cfg.DataRoot, "builder"),
		Registry: registry.Config{
			Insecure:  d.cfg.InsecureRegistries,
			CertsDirs: d.cfg.RegistryCertsDirs,
			UserAgent: "berth/" + Version,
		},
		Users:  imageContainers{d},
		Steps:  imageContainers{d},
		Runner: d.sup,
	})
}

// imageContainers answers the image service's questions about
// containers and makes the containers of build steps.
type imageContainers struct{ d *Daemon }

// ImageUsers implements images.Users.
func (ic imageContainers) ImageUsers(ctx context.Context, id digest.Digest) (running, stopped []string, err error) {
	for _, c := range ic.d.containers.List() {
		if c.Image != id {
			continue
		}
		if c.State.IsRunning() {
			running = append(running, c.ID)
		} else {
			stopped = append(stopped, c.ID)
		}
	}
	return running, stopped, nil
}

// Create implements images.StepContainers.
func (ic imageContainers) Create(ctx context.Context, cfg *apicontainer.Config, hc *apicontainer.HostConfig) (string, error) {
	created, err := ic.d.ContainerCreate(ctx, "", &apicontainer.CreateRequest{Config: cfg, HostConfig: hc}, "")
	return created.ID, err
}

// Upper implements images.StepContainers.
func (ic imageContainers) Upper(ctx context.Context, id string) (layer.Upper, error) {
	c, err := ic.d.containers.Get(id)
	if err != nil {
		return layer.Upper{}, err
	}
	return ic.d.upperOf(c)
}

// Remove implements images.StepContainers.
func (ic imageContainers) Remove(ctx context.Context, id string) error {
	return ic.d.ContainerRemove(ctx, id, backend.RemoveOptions{Force: true})
}
