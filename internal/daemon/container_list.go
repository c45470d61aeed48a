package daemon

import (
	"context"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/container/filter"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/opencontainers/go-digest"
)

// Containers lists containers as GET /containers/json does, newest first.
func (d *Daemon) Containers(ctx context.Context, opts backend.ContainerListOptions) ([]apicontainer.Summary, error) {
	lf, err := filter.NewList(opts.Filters, opts.All, opts.Limit, filter.Resolver{
		Container: d.containers.Get,
		Ancestors: d.imageDescendants,
	})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := []apicontainer.Summary{}
	all := d.containers.List()
	for _, c := range lf.Select(all) {
		s := d.summary(c, now)
		s.Names = append(s.Names, d.networks.LinkNames(c.ID, all)...)
		if opts.Size {
			s.SizeRw, s.SizeRootFs = d.containerSize(c)
		}
		out = append(out, s)
	}
	return out, nil
}

// imageDescendants resolves image names to the IDs of those images and
// of every image built on them. Names that resolve to nothing are
// skipped, as Docker skips them.
func (d *Daemon) imageDescendants(names []string) (map[digest.Digest]bool, error) {
	recs, err := d.images.List()
	if err != nil {
		return nil, err
	}
	parents := map[digest.Digest]digest.Digest{}
	for _, r := range recs {
		parents[r.ID] = r.Parent
	}
	var roots []digest.Digest
	for _, name := range names {
		if rec, _, err := d.images.Resolve(name); err == nil {
			roots = append(roots, rec.ID)
		}
	}
	return filter.Descendants(roots, parents), nil
}

// summary is one row of the list: the record's, with what the image,
// volume and network services add.
func (d *Daemon) summary(c *container.Container, now time.Time) apicontainer.Summary {
	s := c.Summary(now)
	s.Image = d.imageName(c)
	s.Mounts = d.volumes.ContainerMounts(c)
	s.Ports = d.networks.PortSummaries(c.ID)
	s.NetworkSettings.Networks = d.networks.EndpointSettings(c)
	return s
}

// imageName is the image as the client named it at create, unless that
// name now designates another image (or none): then the ID, as Docker
// shows it.
func (d *Daemon) imageName(c *container.Container) string {
	name := c.Config.Image
	if name == c.Image.String() {
		return name
	}
	if rec, _, err := d.images.Resolve(name); err != nil || rec.ID != c.Image {
		return c.Image.String()
	}
	return name
}
