package daemon

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth/berth/internal/container"
	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/volume"
	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	apivolume "github.com/moby/moby/api/types/volume"
)

// openVolumes opens the volume store under <data-root>/volumes and forgets
// users that are no containers (a crash between a container's volumes and
// its record, or a removal interrupted after the record went).
func (d *Daemon) openVolumes() error {
	root := filepath.Join(d.cfg.DataRoot, "volumes")
	local, err := volume.NewLocal(root)
	if err != nil {
		return err
	}
	if d.volumes, err = volume.Open(root, local); err != nil {
		return err
	}
	return d.volumes.DropUsers(func(id string) bool {
		_, err := d.containers.Get(id)
		return err == nil
	})
}

// remountVolumes takes back the volume mounts of containers that kept
// running while no daemon ran, so that their exit releases them.
func (d *Daemon) remountVolumes() {
	for _, c := range d.containers.List() {
		if !c.State.IsRunning() {
			continue
		}
		for _, mp := range c.Mounts {
			if mp.Name != "" {
				d.volumes.Mount(context.Background(), mp.Name, c.ID)
			}
		}
	}
}

func (d *Daemon) apiVolume(v *volume.Volume) apivolume.Volume {
	out := apivolume.Volume{
		Name: v.Name, Driver: v.Driver, Mountpoint: d.volumes.Path(v),
		CreatedAt: v.CreatedAt.Format(time.RFC3339), Labels: v.Labels, Options: v.Options, Scope: "local",
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	if out.Options == nil {
		out.Options = map[string]string{}
	}
	return out
}

// VolumeList implements the volume router's backend.
func (d *Daemon) VolumeList(ctx context.Context, f filters.Args) ([]apivolume.Volume, error) {
	dangling, danglingGiven, err := f.Bool("dangling")
	if err != nil {
		return nil, err
	}
	vols, err := d.volumes.List()
	if err != nil {
		return nil, err
	}
	out := []apivolume.Volume{}
	for _, v := range vols {
		switch {
		case danglingGiven && dangling != (len(v.Users) == 0):
		case f.Has("name") && !matchSubstring(f.Get("name"), v.Name):
		case !f.ExactMatch("driver", v.Driver):
		case !f.MatchLabels("label", v.Labels):
		case f.Has("label!") && matchAnyLabel(f.Get("label!"), v.Labels):
		default:
			out = append(out, d.apiVolume(v))
		}
	}
	return out, nil
}

// matchSubstring is Docker's name filter: a value matches a name that
// contains it.
func matchSubstring(values []string, name string) bool {
	for _, v := range values {
		if strings.Contains(name, v) {
			return true
		}
	}
	return false
}

// matchAnyLabel says whether labels satisfy one of the label! values,
// which exclude.
func matchAnyLabel(values []string, labels map[string]string) bool {
	for _, want := range values {
		if filters.New([2]string{"label", want}).MatchLabels("label", labels) {
			return true
		}
	}
	return false
}

// VolumeCreate implements the volume router's backend.
func (d *Daemon) VolumeCreate(ctx context.Context, req apivolume.CreateRequest) (*apivolume.Volume, error) {
	v, created, err := d.volumes.Create(ctx, volume.CreateOptions{Name: req.Name, Driver: req.Driver, Options: req.DriverOpts, Labels: req.Labels})
	if err != nil {
		return nil, err
	}
	if created {
		d.logVolumeEvent(v.Name, events.ActionCreate, map[string]string{"driver": v.Driver})
	}
	out := d.apiVolume(v)
	return &out, nil
}

// VolumeInspect implements the volume router's backend.
func (d *Daemon) VolumeInspect(ctx context.Context, name string) (*apivolume.Volume, error) {
	v, err := d.volumes.Get(name)
	if err != nil {
		return nil, err
	}
	out := d.apiVolume(v)
	return &out, nil
}

// VolumeRemove implements the volume router's backend.
func (d *Daemon) VolumeRemove(ctx context.Context, name string, force bool) error {
	err := d.volumes.Remove(ctx, name)
	if err != nil {
		if force && errdefs.IsNotFound(err) {
			return nil
		}
		return err
	}
	d.logVolumeEvent(name, events.ActionDestroy, nil)
	return nil
}

// VolumePrune implements the volume router's backend: unused anonymous
// volumes, or with all=true every unused volume, that match the labels.
func (d *Daemon) VolumePrune(ctx context.Context, f filters.Args) (*apivolume.PruneReport, error) {
	all, _, err := f.Bool("all")
	if err != nil {
		return nil, err
	}
	vols, err := d.volumes.List()
	if err != nil {
		return nil, err
	}
	report := &apivolume.PruneReport{}
	for _, v := range vols {
		if len(v.Users) > 0 || (!all && !v.Anonymous) || !f.MatchLabels("label", v.Labels) ||
			(f.Has("label!") && matchAnyLabel(f.Get("label!"), v.Labels)) {
			continue
		}
		size, _ := dirSize(d.volumes.Path(v))
		if err := d.volumes.Remove(ctx, v.Name); err != nil {
			if errdefs.IsConflict(err) || errdefs.IsNotFound(err) {
				continue // taken or removed meanwhile
			}
			return nil, err
		}
		d.logVolumeEvent(v.Name, events.ActionDestroy, nil)
		report.VolumesDeleted = append(report.VolumesDeleted, v.Name)
		report.SpaceReclaimed += uint64(max(size, 0))
	}
	d.events.Log(events.VolumeEventType, events.ActionPrune, events.Actor{Attributes: map[string]string{"reclaimed": fmt.Sprint(report.SpaceReclaimed)}})
	return report, nil
}

// volumeUsage lists every volume with its size and number of users, for
// `system df`.
func (d *Daemon) volumeUsage() ([]apivolume.Volume, error) {
	vols, err := d.volumes.List()
	if err != nil {
		return nil, err
	}
	out := make([]apivolume.Volume, 0, len(vols))
	for _, v := range vols {
		av := d.apiVolume(v)
		size, err := dirSize(av.Mountpoint)
		if err != nil {
			size = -1
		}
		av.UsageData = &apivolume.UsageData{Size: size, RefCount: int64(len(v.Users))}
		out = append(out, av)
	}
	return out, nil
}

func (d *Daemon) logVolumeEvent(name string, action events.Action, attrs map[string]string) {
	d.events.Log(events.VolumeEventType, action, events.Actor{ID: name, Attributes: attrs})
}

// containerMounts is the Mounts field of inspect and ps.
func (d *Daemon) containerMounts(c *container.Container) []apicontainer.MountPoint {
	out := []apicontainer.MountPoint{}
	for _, mp := range c.Mounts {
		if mp.Hidden {
			continue
		}
		out = append(out, mp.API(func(name string) string { return d.volumes.Path(&volume.Volume{Name: name, Driver: mp.Driver}) }))
	}
	return out
}
