package container

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// MountPoint is one mount of a container as resolved at create: which
// volume (by its final name, anonymous ones included), host path or tmpfs
// goes where. It is part of the container's record; start turns it into
// OCI mounts, inspect and ps report it.
type MountPoint struct {
	Type        mount.Type        `json:"type"`
	Name        string            `json:"name,omitempty"` // volume
	Driver      string            `json:"driver,omitempty"`
	Source      string            `json:"source,omitempty"` // bind: host path
	Destination string            `json:"destination"`
	RW          bool              `json:"rw"`
	Mode        string            `json:"mode,omitempty"` // -v's mode words, as given
	Propagation mount.Propagation `json:"propagation,omitempty"`
	NoCopy      bool              `json:"noCopy,omitempty"`
	Subpath     string            `json:"subpath,omitempty"`
	Anonymous   bool              `json:"anonymous,omitempty"`
	// NonRecursive binds only the source, not the mounts below it.
	NonRecursive bool `json:"nonRecursive,omitempty"`
	// CreateSource makes a missing bind source (-v does, --mount does not).
	CreateSource bool `json:"createSource,omitempty"`
	// TmpfsOptions are the mount options of a tmpfs.
	TmpfsOptions []string `json:"tmpfsOptions,omitempty"`
	// Hidden is a --tmpfs mount, which Docker does not report in Mounts.
	Hidden bool `json:"hidden,omitempty"`
	// VolumeOptions and Labels are for a named volume --mount creates.
	VolumeOptions map[string]string `json:"-"`
	Labels        map[string]string `json:"-"`
	// Implicit is a -v /path or image VOLUME, which --volumes-from
	// replaces.
	Implicit bool `json:"-"`
}

// mountConfigError is Docker's wording for a bad --mount (and -v) field.
func MountConfigError(t mount.Type, format string, args ...any) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mount config for type %q: %s", t, fmt.Sprintf(format, args...)))
}

func invalidSpec(spec string) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid volume specification: '%s'", spec))
}

func checkDestination(t mount.Type, dst string) error {
	if !path.IsAbs(dst) {
		return MountConfigError(t, "invalid mount path: '%s' mount path must be absolute", dst)
	}
	if path.Clean(dst) == "/" {
		return MountConfigError(t, "invalid specification: destination can't be '/'")
	}
	return nil
}

var propagations = map[string]bool{
	"shared": true, "rshared": true, "slave": true, "rslave": true, "private": true, "rprivate": true,
}

// parseMode checks -v's third field: ro|rw, z|Z, nocopy and one
// propagation, comma-separated.
func parseMode(mode string) (rw bool, prop mount.Propagation, nocopy bool, err error) {
	rw = true
	seen := map[string]bool{}
	for _, w := range strings.Split(mode, ",") {
		kind := w
		switch {
		case w == "ro" || w == "rw":
			rw, kind = w == "rw", "rw"
		case w == "z" || w == "Z":
			kind = "label"
		case w == "nocopy":
			nocopy = true
		case propagations[w]:
			prop, kind = mount.Propagation(w), "propagation"
		default:
			return false, "", false, errdefs.ErrInvalidArgument.WithMessage("invalid mode: " + mode)
		}
		if seen[kind] {
			return false, "", false, errdefs.ErrInvalidArgument.WithMessage("invalid mode: " + mode)
		}
		seen[kind] = true
	}
	return rw, prop, nocopy, nil
}

// parseBind reads one -v src:dst[:mode] (HostConfig.Binds). A source that
// is an absolute path is a bind; anything else names a volume.
func parseBind(spec string) (MountPoint, error) {
	parts := strings.Split(spec, ":")
	var src, dst, mode string
	switch len(parts) {
	case 1:
		dst = parts[0]
	case 2:
		if _, _, _, err := parseMode(parts[1]); err == nil {
			dst, mode = parts[0], parts[1]
		} else {
			src, dst = parts[0], parts[1]
		}
	case 3:
		src, dst, mode = parts[0], parts[1], parts[2]
	default:
		return MountPoint{}, invalidSpec(spec)
	}
	for _, p := range parts {
		if p == "" {
			return MountPoint{}, invalidSpec(spec)
		}
	}
	mp := MountPoint{Type: mount.TypeVolume, Destination: dst, Mode: mode, RW: true}
	if mode != "" {
		var err error
		if mp.RW, mp.Propagation, mp.NoCopy, err = parseMode(mode); err != nil {
			return MountPoint{}, err
		}
	}
	switch {
	case src == "":
		mp.Anonymous = true
	case path.IsAbs(src):
		mp.Type, mp.Source, mp.CreateSource = mount.TypeBind, path.Clean(src), true
		if mp.NoCopy {
			return MountPoint{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid volume specification: '%s': nocopy is only for volumes", spec))
		}
		if mp.Propagation == "" {
			mp.Propagation = mount.PropagationRPrivate
		}
	default:
		mp.Name = src
		if mp.Mode == "" {
			mp.Mode = "z"
		}
	}
	if err := checkDestination(mp.Type, dst); err != nil {
		return MountPoint{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid volume specification: '%s': %s", spec, err.Error()))
	}
	mp.Destination = path.Clean(dst)
	return mp, nil
}

// parseMount checks one --mount (HostConfig.Mounts) with Docker's rules.
func parseMount(m mount.Mount) (MountPoint, error) {
	t := m.Type
	if m.Target == "" {
		return MountPoint{}, MountConfigError(t, "field Target must not be empty")
	}
	if err := checkDestination(t, m.Target); err != nil {
		return MountPoint{}, err
	}
	mp := MountPoint{Type: t, Destination: path.Clean(m.Target), RW: !m.ReadOnly}
	switch t {
	case mount.TypeBind:
		if m.VolumeOptions != nil {
			return MountPoint{}, MountConfigError(t, "field VolumeOptions must not be specified")
		}
		if m.TmpfsOptions != nil {
			return MountPoint{}, MountConfigError(t, "field TmpfsOptions must not be specified")
		}
		if m.Source == "" {
			return MountPoint{}, MountConfigError(t, "field Source must not be empty")
		}
		if !path.IsAbs(m.Source) {
			return MountPoint{}, MountConfigError(t, "invalid mount path: '%s' mount path must be absolute", m.Source)
		}
		mp.Source, mp.Propagation = path.Clean(m.Source), mount.PropagationRPrivate
		if o := m.BindOptions; o != nil {
			if o.Propagation != "" {
				if !propagations[string(o.Propagation)] {
					return MountPoint{}, MountConfigError(t, "invalid propagation mode: %s", o.Propagation)
				}
				mp.Propagation = o.Propagation
			}
			mp.NonRecursive = o.NonRecursive
		}
	case mount.TypeVolume:
		if m.BindOptions != nil {
			return MountPoint{}, MountConfigError(t, "field BindOptions must not be specified")
		}
		if m.TmpfsOptions != nil {
			return MountPoint{}, MountConfigError(t, "field TmpfsOptions must not be specified")
		}
		mp.Name, mp.Anonymous = m.Source, m.Source == ""
		if o := m.VolumeOptions; o != nil {
			mp.NoCopy, mp.Subpath, mp.Labels = o.NoCopy, o.Subpath, o.Labels
			if o.DriverConfig != nil {
				mp.Driver, mp.VolumeOptions = o.DriverConfig.Name, o.DriverConfig.Options
			}
			if mp.Subpath != "" && (path.IsAbs(mp.Subpath) || strings.HasPrefix(path.Clean(mp.Subpath), "..")) {
				return MountPoint{}, MountConfigError(t, "subpath must be a relative path within the volume")
			}
		}
	case mount.TypeTmpfs:
		if m.Source != "" {
			return MountPoint{}, MountConfigError(t, "field Source must not be specified")
		}
		if m.BindOptions != nil {
			return MountPoint{}, MountConfigError(t, "field BindOptions must not be specified")
		}
		if m.VolumeOptions != nil {
			return MountPoint{}, MountConfigError(t, "field VolumeOptions must not be specified")
		}
		mp.TmpfsOptions = []string{"nosuid", "nodev", "noexec"}
		if o := m.TmpfsOptions; o != nil {
			if o.SizeBytes < 0 {
				return MountPoint{}, MountConfigError(t, "invalid tmpfs size: %d", o.SizeBytes)
			}
			if o.SizeBytes > 0 {
				mp.TmpfsOptions = append(mp.TmpfsOptions, fmt.Sprintf("size=%d", o.SizeBytes))
			}
			if o.Mode != 0 {
				mp.TmpfsOptions = append(mp.TmpfsOptions, fmt.Sprintf("mode=%o", uint32(o.Mode)&0o7777|modeBits(uint32(o.Mode))))
			}
			for _, kv := range o.Options {
				mp.TmpfsOptions = append(mp.TmpfsOptions, strings.Join(kv, "="))
			}
		}
	default:
		return MountPoint{}, MountConfigError(t, "mount type unknown")
	}
	if !mp.RW && t == mount.TypeTmpfs {
		mp.TmpfsOptions = append(mp.TmpfsOptions, "ro")
	}
	return mp, nil
}

// modeBits turns Go's setuid/setgid/sticky bits into the octal ones.
func modeBits(m uint32) uint32 {
	var out uint32
	if m&uint32(1<<23) != 0 { // os.ModeSetuid
		out |= 0o4000
	}
	if m&uint32(1<<22) != 0 { // os.ModeSetgid
		out |= 0o2000
	}
	if m&uint32(1<<20) != 0 { // os.ModeSticky
		out |= 0o1000
	}
	return out
}

// ParseMountSpecs resolves everything a create request asks to mount,
// except --volumes-from (which needs other containers): -v binds, --mount,
// --tmpfs, then -v /path and the image's VOLUMEs for the destinations left.
// A destination given twice by the client is refused, as Docker does.
func ParseMountSpecs(cfg *apicontainer.Config, hc *apicontainer.HostConfig) ([]MountPoint, error) {
	var out []MountPoint
	seen := map[string]bool{}
	add := func(mp MountPoint) error {
		if seen[mp.Destination] {
			return errdefs.ErrInvalidArgument.WithMessage("Duplicate mount point: " + mp.Destination)
		}
		seen[mp.Destination] = true
		out = append(out, mp)
		return nil
	}
	for _, b := range hc.Binds {
		mp, err := parseBind(b)
		if err != nil {
			return nil, err
		}
		if err := add(mp); err != nil {
			return nil, err
		}
	}
	for _, m := range hc.Mounts {
		mp, err := parseMount(m)
		if err != nil {
			return nil, err
		}
		if err := add(mp); err != nil {
			return nil, err
		}
	}
	for _, dst := range sortedKeys(hc.Tmpfs) {
		if err := checkDestination(mount.TypeTmpfs, dst); err != nil {
			return nil, err
		}
		opts := []string{"nosuid", "nodev", "noexec"}
		for _, o := range strings.Split(hc.Tmpfs[dst], ",") {
			if o != "" {
				opts = append(opts, o)
			}
		}
		mp := MountPoint{Type: mount.TypeTmpfs, Destination: path.Clean(dst), RW: true, TmpfsOptions: opts, Hidden: true}
		if err := add(mp); err != nil {
			return nil, err
		}
	}
	for _, dst := range sortedKeys(cfg.Volumes) {
		if err := checkDestination(mount.TypeVolume, dst); err != nil {
			return nil, err
		}
		if seen[path.Clean(dst)] {
			continue // a bind or named volume given for an image VOLUME wins
		}
		add(MountPoint{Type: mount.TypeVolume, Destination: path.Clean(dst), RW: true, Anonymous: true, Implicit: true})
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// API is how inspect and ps show a mount.
func (mp *MountPoint) API(volumePath func(name string) string) apicontainer.MountPoint {
	out := apicontainer.MountPoint{
		Type: mp.Type, Name: mp.Name, Source: mp.Source, Destination: mp.Destination,
		Driver: mp.Driver, Mode: mp.Mode, RW: mp.RW, Propagation: mp.Propagation,
	}
	if mp.Type == mount.TypeVolume {
		out.Source = volumePath(mp.Name)
	}
	return out
}
