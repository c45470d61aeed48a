package daemon

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/image"
	"github.com/berth/berth/internal/images"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// ContainerCommit makes an image of the container: its image plus one
// layer holding what the container changed, configured as the container
// runs (opts.Config merged over that, then opts.Changes applied).
func (d *Daemon) ContainerCommit(ctx context.Context, name string, opts backend.CommitOptions) (string, error) {
	ref, err := images.ImportReference(opts.Repo, opts.Tag)
	if err != nil {
		return "", err
	}
	c, unlock, err := d.lockContainer(name)
	if err != nil {
		return "", err
	}
	defer unlock()
	switch c.State.Status {
	case container.Dead:
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("You cannot commit container %s which is Dead", c.ID))
	case container.Removing:
		return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf("You cannot commit container %s which is being removed", c.ID))
	}
	parent, err := d.images.Get(c.Image)
	if err != nil {
		return "", fmt.Errorf("image of container %s: %w", c.ShortID(), err)
	}
	base, err := d.ImageConfig(ctx, parent.ID)
	if err != nil {
		return "", err
	}
	cfg := commitConfig(base.Config, c.Config, opts.Config)
	if err := image.ApplyChanges(&cfg, opts.Changes); err != nil {
		return "", err
	}
	upper, err := d.upperOf(c)
	if err != nil {
		return "", err
	}
	if opts.Pause {
		// As Docker's, a pause that fails (the process is exiting, so
		// nothing will write any more) does not stop the commit.
		if thaw, err := d.sup.Freeze(ctx, c); err == nil {
			defer thaw()
		}
	}

	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(upper.Diff(ctx, pw)) }()
	defer pr.Close()
	id, err := d.CommitImage(ctx, images.CommitRequest{
		Parent: parent, Base: base, Config: cfg, Layer: pr,
		Author: opts.Author, Comment: opts.Comment, CreatedBy: strings.Join(c.Config.Cmd, " "),
		Ref: ref,
	})
	if err != nil {
		return "", err
	}
	imageRef := ""
	if ref != nil {
		imageRef = reference.FamiliarString(ref)
		d.events.Log(events.ImageEventType, events.ActionTag, events.Actor{ID: id.String(), Attributes: map[string]string{"name": imageRef}})
	}
	d.logContainerEvent(c, events.ActionCommit, map[string]string{"comment": opts.Comment, "imageID": id.String(), "imageRef": imageRef})
	return id.String(), nil
}

// commitConfig is the committed image's config: what the container runs
// with (its config took the image's defaults at create), with user's
// config, when the client sent one, taking precedence as Docker merges it.
func commitConfig(img dockerspec.DockerOCIImageConfig, c, user *apicontainer.Config) dockerspec.DockerOCIImageConfig {
	cfg := toImageConfig(c)
	if cfg.OnBuild == nil {
		cfg.OnBuild = img.OnBuild
	}
	if user == nil {
		return cfg
	}
	u := toImageConfig(user)
	if u.User == "" {
		u.User = cfg.User
	}
	if u.WorkingDir == "" {
		u.WorkingDir = cfg.WorkingDir
	}
	if u.StopSignal == "" {
		u.StopSignal = cfg.StopSignal
	}
	if u.Healthcheck == nil {
		u.Healthcheck = cfg.Healthcheck
	}
	if len(u.Shell) == 0 {
		u.Shell = cfg.Shell
	}
	if len(u.OnBuild) == 0 {
		u.OnBuild = cfg.OnBuild
	}
	if len(u.Entrypoint) == 0 {
		if len(u.Cmd) == 0 {
			u.Cmd = cfg.Cmd
		}
		if u.Entrypoint == nil {
			u.Entrypoint = cfg.Entrypoint
		}
	}
	u.Env = container.MergeEnv(cfg.Env, u.Env)
	u.Labels = unionMap(cfg.Labels, u.Labels)
	u.ExposedPorts = unionMap(cfg.ExposedPorts, u.ExposedPorts)
	u.Volumes = unionMap(cfg.Volumes, u.Volumes)
	return u
}

// unionMap returns base's entries overlaid with over's; nil when both are
// empty, so the config keeps leaving the field out.
func unionMap[V any](base, over map[string]V) map[string]V {
	if len(base)+len(over) == 0 {
		return over
	}
	out := make(map[string]V, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// toImageConfig keeps the parts of a container config that belong to an
// image.
func toImageConfig(c *apicontainer.Config) dockerspec.DockerOCIImageConfig {
	var cfg dockerspec.DockerOCIImageConfig
	if c == nil {
		return cfg
	}
	cfg.User, cfg.WorkingDir, cfg.StopSignal = c.User, c.WorkingDir, c.StopSignal
	cfg.Env = append([]string(nil), c.Env...)
	cfg.Entrypoint, cfg.Cmd = c.Entrypoint, c.Cmd
	cfg.Labels, cfg.Volumes = c.Labels, c.Volumes
	cfg.Healthcheck, cfg.Shell, cfg.OnBuild, cfg.ArgsEscaped = c.Healthcheck, c.Shell, c.OnBuild, c.ArgsEscaped
	for p := range c.ExposedPorts {
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		cfg.ExposedPorts[p.String()] = struct{}{}
	}
	return cfg
}
