package container

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/berth/berth/internal/cli/format"
	"github.com/distribution/reference"
	units "github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Default `ps` templates, as docker prints them.
const (
	psTable     = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
	psTableSize = psTable + "\t{{.Size}}"
)

// psHeader titles the columns of container rows.
var psHeader = map[string]string{
	"ID":           "CONTAINER ID",
	"Image":        "IMAGE",
	"Command":      "COMMAND",
	"CreatedAt":    format.CreatedAtHeader,
	"RunningFor":   "CREATED",
	"Status":       "STATUS",
	"State":        "STATE",
	"Ports":        "PORTS",
	"Names":        "NAMES",
	"Size":         format.SizeHeader,
	"Labels":       "LABELS",
	"Mounts":       "MOUNTS",
	"LocalVolumes": "LOCAL VOLUMES",
	"Networks":     "NETWORKS",
	"Platform":     "PLATFORM",
}

// psRow is one line of `ps`.
type psRow struct {
	trunc bool
	c     container.Summary
}

// MarshalJSON lists the row's template fields.
func (r *psRow) MarshalJSON() ([]byte, error) { return format.MarshalMethods(r) }

// ID is the container ID, short unless --no-trunc.
func (r *psRow) ID() string {
	if r.trunc {
		return format.TruncateID(r.c.ID)
	}
	return r.c.ID
}

// Names lists the container's names without their leading slash; when
// truncating, only the first name that is not a link alias.
func (r *psRow) Names() string {
	var names []string
	for _, n := range r.c.Names {
		names = append(names, strings.TrimPrefix(n, "/"))
	}
	if r.trunc {
		for _, n := range names {
			if !strings.Contains(n, "/") {
				return n
			}
		}
	}
	return strings.Join(names, ",")
}

// Image is the image the container was created from, in its familiar form.
func (r *psRow) Image() string {
	img := r.c.Image
	if img == "" {
		return "<no image>"
	}
	if !r.trunc {
		return img
	}
	if short := format.TruncateID(r.c.ImageID); short == format.TruncateID(img) {
		return short
	}
	ref, err := reference.ParseNormalizedNamed(img)
	if err != nil {
		return img
	}
	if tagged, ok := ref.(reference.NamedTagged); ok {
		if t, err := reference.WithTag(reference.TrimNamed(tagged), tagged.Tag()); err == nil {
			return reference.FamiliarString(t)
		}
		return img
	}
	return reference.FamiliarString(reference.TrimNamed(ref))
}

// Command is the quoted command line, cut to 20 characters.
func (r *psRow) Command() string {
	cmd := r.c.Command
	if r.trunc {
		cmd = format.Ellipsis(cmd, 20)
	}
	return strconv.Quote(cmd)
}

// CreatedAt is the creation time in Go's default layout.
func (r *psRow) CreatedAt() string { return time.Unix(r.c.Created, 0).String() }

// RunningFor is how long ago the container was created.
func (r *psRow) RunningFor() string {
	return units.HumanDuration(time.Now().UTC().Sub(time.Unix(r.c.Created, 0))) + " ago"
}

// Status is the daemon's status text ("Up 2 seconds").
func (r *psRow) Status() string { return r.c.Status }

// State is the state name ("running").
func (r *psRow) State() string { return string(r.c.State) }

// Ports shows the published and exposed ports.
func (r *psRow) Ports() string { return displayPorts(r.c.Ports) }

// Size is the writable layer's size, with the total when known.
func (r *psRow) Size() string {
	if r.c.SizeRw == 0 && r.c.SizeRootFs == 0 {
		return "0B"
	}
	rw := units.HumanSizeWithPrecision(float64(r.c.SizeRw), 3)
	if r.c.SizeRootFs > 0 {
		return fmt.Sprintf("%s (virtual %s)", rw, units.HumanSizeWithPrecision(float64(r.c.SizeRootFs), 3))
	}
	return rw
}

// Labels lists the labels as k=v, comma-separated.
func (r *psRow) Labels() string {
	var out []string
	for k, v := range r.c.Labels {
		out = append(out, k+"="+v)
	}
	return strings.Join(out, ",")
}

// Label returns one label's value.
func (r *psRow) Label(name string) string { return r.c.Labels[name] }

// Mounts names the container's mounts.
func (r *psRow) Mounts() string {
	var out []string
	for _, m := range r.c.Mounts {
		name := m.Name
		if name == "" {
			name = m.Source
		}
		if r.trunc {
			name = format.Ellipsis(name, 15)
		}
		out = append(out, name)
	}
	return strings.Join(out, ",")
}

// LocalVolumes counts the mounts of local volumes.
func (r *psRow) LocalVolumes() string {
	n := 0
	for _, m := range r.c.Mounts {
		if m.Driver == "local" {
			n++
		}
	}
	return strconv.Itoa(n)
}

// Networks lists the networks the container is connected to.
func (r *psRow) Networks() string {
	if r.c.NetworkSettings == nil {
		return ""
	}
	var out []string
	for name := range r.c.NetworkSettings.Networks {
		out = append(out, name)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// displayPorts groups consecutive ports as docker's ps does:
// "0.0.0.0:8080->80/tcp, 443/tcp".
func displayPorts(ports []container.PortSummary) string {
	ports = append([]container.PortSummary(nil), ports...)
	sort.Slice(ports, func(i, j int) bool {
		a, b := ports[i], ports[j]
		if a.PrivatePort != b.PrivatePort {
			return a.PrivatePort < b.PrivatePort
		}
		if a.IP != b.IP {
			return a.IP.Less(b.IP)
		}
		if a.PublicPort != b.PublicPort {
			return a.PublicPort < b.PublicPort
		}
		return a.Type < b.Type
	})
	type span struct{ first, last uint16 }
	spans := map[string]*span{}
	var order, out, mapped []string
	for _, p := range ports {
		key := p.Type
		if p.IP.IsValid() {
			if p.PublicPort != p.PrivatePort {
				host := net.JoinHostPort(p.IP.String(), strconv.Itoa(int(p.PublicPort)))
				mapped = append(mapped, fmt.Sprintf("%s->%d/%s", host, p.PrivatePort, p.Type))
				continue
			}
			key = p.IP.String() + "/" + p.Type
		}
		s := spans[key]
		switch {
		case s == nil:
			spans[key] = &span{p.PrivatePort, p.PrivatePort}
			order = append(order, key)
		case p.PrivatePort == s.last+1:
			s.last = p.PrivatePort
		default:
			out = append(out, spanText(key, s.first, s.last))
			spans[key] = &span{p.PrivatePort, p.PrivatePort}
		}
	}
	for _, key := range order {
		out = append(out, spanText(key, spans[key].first, spans[key].last))
	}
	return strings.Join(append(out, mapped...), ", ")
}

func spanText(key string, first, last uint16) string {
	ip, proto, hasIP := strings.Cut(key, "/")
	if !hasIP {
		ip, proto = "", key
	}
	text := strconv.Itoa(int(first))
	if first != last {
		text += "-" + strconv.Itoa(int(last))
	}
	if ip != "" {
		text = ip + ":" + text + "->" + text
	}
	return text + "/" + proto
}

// Platform is the platform of the image the container runs, when the
// daemon says (API 1.48 on); nil, shown as null in JSON, otherwise.
func (r *psRow) Platform() *platform {
	d := r.c.ImageManifestDescriptor
	if d == nil || d.Platform == nil {
		return nil
	}
	return &platform{*d.Platform}
}

// platform prints as os/arch[/variant] in templates and encodes as the OCI
// platform object in JSON, as docker's does.
type platform struct{ ocispec.Platform }

func (p platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}
