package container

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// splitVolumes separates -v values: "src:dst[:opts]" are binds (named
// volumes included), a lone path is an anonymous volume.
func splitVolumes(specs []string) ([]string, map[string]struct{}) {
	var binds []string
	anon := map[string]struct{}{}
	for _, s := range specs {
		if _, dst, ok := strings.Cut(s, ":"); ok && dst != "/" {
			binds = append(binds, s)
			continue
		}
		anon[s] = struct{}{}
	}
	if len(anon) == 0 {
		anon = nil
	}
	return binds, anon
}

// parseMounts reads --mount's comma-separated key=value fields.
func parseMounts(specs []string) ([]mount.Mount, error) {
	var out []mount.Mount
	for _, spec := range specs {
		fields, err := csv.NewReader(strings.NewReader(spec)).Read()
		if err != nil {
			return nil, err
		}
		m := mount.Mount{Type: mount.TypeVolume}
		for _, f := range fields {
			key, val, hasVal := strings.Cut(f, "=")
			key = strings.ToLower(strings.TrimSpace(key))
			truth := !hasVal || val == "1" || strings.EqualFold(val, "true")
			switch key {
			case "type":
				m.Type = mount.Type(strings.ToLower(val))
			case "source", "src":
				m.Source = val
			case "target", "dst", "destination":
				m.Target = val
			case "readonly", "ro":
				m.ReadOnly = truth
			case "bind-propagation":
				bindOpts(&m).Propagation = mount.Propagation(strings.ToLower(val))
			case "bind-nonrecursive":
				bindOpts(&m).NonRecursive = truth
			case "volume-nocopy":
				volOpts(&m).NoCopy = truth
			case "volume-subpath":
				volOpts(&m).Subpath = val
			case "volume-driver":
				volOpts(&m).DriverConfig = &mount.Driver{Name: val}
			case "volume-opt":
				o := volOpts(&m)
				if o.DriverConfig == nil {
					o.DriverConfig = &mount.Driver{}
				}
				if o.DriverConfig.Options == nil {
					o.DriverConfig.Options = map[string]string{}
				}
				k, v, _ := strings.Cut(val, "=")
				o.DriverConfig.Options[k] = v
			case "tmpfs-size":
				n, err := units.RAMInBytes(val)
				if err != nil {
					return nil, fmt.Errorf("invalid value for %s: %s", key, val)
				}
				tmpfsOpts(&m).SizeBytes = n
			case "tmpfs-mode":
				n, err := strconv.ParseUint(val, 8, 32)
				if err != nil {
					return nil, fmt.Errorf("invalid value for %s: %s", key, val)
				}
				tmpfsOpts(&m).Mode = os.FileMode(n)
			default:
				return nil, fmt.Errorf("unexpected key '%s' in '%s'", key, f)
			}
		}
		if m.Target == "" {
			return nil, fmt.Errorf("target is required")
		}
		out = append(out, m)
	}
	return out, nil
}

func bindOpts(m *mount.Mount) *mount.BindOptions {
	if m.BindOptions == nil {
		m.BindOptions = &mount.BindOptions{}
	}
	return m.BindOptions
}

func volOpts(m *mount.Mount) *mount.VolumeOptions {
	if m.VolumeOptions == nil {
		m.VolumeOptions = &mount.VolumeOptions{}
	}
	return m.VolumeOptions
}

func tmpfsOpts(m *mount.Mount) *mount.TmpfsOptions {
	if m.TmpfsOptions == nil {
		m.TmpfsOptions = &mount.TmpfsOptions{}
	}
	return m.TmpfsOptions
}

// parseTmpfs reads --tmpfs PATH[:OPTIONS].
func parseTmpfs(specs []string) map[string]string {
	if len(specs) == 0 {
		return nil
	}
	m := map[string]string{}
	for _, s := range specs {
		path, opts, _ := strings.Cut(s, ":")
		m[path] = opts
	}
	return m
}

// parseDevices reads --device HOST[:CONTAINER][:PERMISSIONS].
func parseDevices(specs []string, privileged bool) ([]container.DeviceMapping, error) {
	var out []container.DeviceMapping
	for _, s := range specs {
		parts := strings.Split(s, ":")
		d := container.DeviceMapping{PathOnHost: parts[0], CgroupPermissions: "rwm"}
		d.PathInContainer = d.PathOnHost
		switch len(parts) {
		case 1:
		case 2:
			if validPerms(parts[1]) {
				d.CgroupPermissions = parts[1]
			} else {
				d.PathInContainer = parts[1]
			}
		case 3:
			if !validPerms(parts[2]) {
				return nil, fmt.Errorf("bad mode specified: %s", parts[2])
			}
			d.PathInContainer, d.CgroupPermissions = parts[1], parts[2]
		default:
			return nil, fmt.Errorf("invalid device specification: %s", s)
		}
		if !strings.HasPrefix(d.PathInContainer, "/") {
			return nil, fmt.Errorf("%s is not an absolute path", d.PathInContainer)
		}
		out = append(out, d)
	}
	return out, nil
}

func validPerms(p string) bool {
	return p != "" && strings.Trim(p, "rwm") == ""
}

// parseUlimits reads --ulimit NAME=SOFT[:HARD].
func parseUlimits(specs []string) ([]*container.Ulimit, error) {
	var out []*container.Ulimit
	for _, s := range specs {
		u, err := units.ParseUlimit(s)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
