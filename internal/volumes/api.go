package volumes

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/layer"
	"github.com/berth/berth/internal/volume"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	apivolume "github.com/moby/moby/api/types/volume"
)

func (s *Service) apiVolume(v *volume.Volume) apivolume.Volume {
	out := apivolume.Volume{
		Name: v.Name, Driver: v.Driver, Mountpoint: s.Path(v),
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
func (s *Service) VolumeList(ctx context.Context, f filters.Args) ([]apivolume.Volume, error) {
	dangling, danglingGiven, err := f.Bool("dangling")
	if err != nil {
		return nil, err
	}
	vols, err := s.List()
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
			out = append(out, s.apiVolume(v))
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
func (s *Service) VolumeCreate(ctx context.Context, req apivolume.CreateRequest) (*apivolume.Volume, error) {
	v, created, err := s.Store.Create(ctx, volume.CreateOptions{Name: req.Name, Driver: req.Driver, Options: req.DriverOpts, Labels: req.Labels})
	if err != nil {
		return nil, err
	}
	if created {
		s.logEvent(v.Name, events.ActionCreate, map[string]string{"driver": v.Driver})
	}
	out := s.apiVolume(v)
	return &out, nil
}

// VolumeInspect implements the volume router's backend.
func (s *Service) VolumeInspect(ctx context.Context, name string) (*apivolume.Volume, error) {
	v, err := s.Get(name)
	if err != nil {
		return nil, err
	}
	out := s.apiVolume(v)
	return &out, nil
}

// VolumeRemove implements the volume router's backend.
func (s *Service) VolumeRemove(ctx context.Context, name string, force bool) error {
	err := s.Store.Remove(ctx, name)
	if err != nil {
		if force && errdefs.IsNotFound(err) {
			return nil
		}
		return err
	}
	s.logEvent(name, events.ActionDestroy, nil)
	return nil
}

// VolumePrune implements the volume router's backend: unused anonymous
// volumes, or with all=true every unused volume, that match the labels.
func (s *Service) VolumePrune(ctx context.Context, f filters.Args) (*apivolume.PruneReport, error) {
	all, _, err := f.Bool("all")
	if err != nil {
		return nil, err
	}
	vols, err := s.List()
	if err != nil {
		return nil, err
	}
	report := &apivolume.PruneReport{}
	for _, v := range vols {
		if len(v.Users) > 0 || (!all && !v.Anonymous) || !f.MatchLabels("label", v.Labels) ||
			(f.Has("label!") && matchAnyLabel(f.Get("label!"), v.Labels)) {
			continue
		}
		size, _ := layer.DiskUsage(s.Path(v))
		if err := s.Store.Remove(ctx, v.Name); err != nil {
			if errdefs.IsConflict(err) || errdefs.IsNotFound(err) {
				continue // taken or removed meanwhile
			}
			return nil, err
		}
		s.logEvent(v.Name, events.ActionDestroy, nil)
		report.VolumesDeleted = append(report.VolumesDeleted, v.Name)
		report.SpaceReclaimed += uint64(max(size, 0))
	}
	s.events.Log(events.VolumeEventType, events.ActionPrune, events.Actor{Attributes: map[string]string{"reclaimed": fmt.Sprint(report.SpaceReclaimed)}})
	return report, nil
}

// Usage lists every volume with its size and number of users, for
// `system df`.
func (s *Service) Usage() ([]apivolume.Volume, error) {
	vols, err := s.List()
	if err != nil {
		return nil, err
	}
	out := make([]apivolume.Volume, 0, len(vols))
	for _, v := range vols {
		av := s.apiVolume(v)
		size, err := layer.DiskUsage(av.Mountpoint)
		if err != nil {
			size = -1
		}
		av.UsageData = &apivolume.UsageData{Size: size, RefCount: int64(len(v.Users))}
		out = append(out, av)
	}
	return out, nil
}

func (s *Service) logEvent(name string, action events.Action, attrs map[string]string) {
	s.events.Log(events.VolumeEventType, action, events.Actor{ID: name, Attributes: attrs})
}
