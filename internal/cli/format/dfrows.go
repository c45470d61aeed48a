package format

import (
	"strconv"
	"strings"

	"github.com/distribution/reference"
	units "github.com/docker/go-units"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/volume"
)

// Column titles of the verbose `system df` tables.
var (
	ContainerHeader = map[string]string{
		"ID": "CONTAINER ID", "Names": "NAMES", "Image": "IMAGE", "Command": "COMMAND",
		"RunningFor": "CREATED", "Status": "STATUS", "Size": SizeHeader, "LocalVolumes": "LOCAL VOLUMES",
	}
	VolumeHeader = map[string]string{"Name": "VOLUME NAME", "Links": "LINKS", "Size": SizeHeader}
	CacheHeader  = map[string]string{
		"ID": "CACHE ID", "CacheType": "CACHE TYPE", "Size": SizeHeader, "CreatedSince": CreatedSinceHeader,
		"LastUsedSince": "LAST USED", "UsageCount": "USAGE", "Shared": "SHARED",
	}
)

// UsageImageRow is an image in `system df -v`: its first name only.
func UsageImageRow(img image.Summary, trunc bool) *ImageRow {
	repo, tag := "<none>", "<none>"
	if len(img.RepoTags) > 0 && !Dangling(img) {
		if ref, err := reference.ParseNormalizedNamed(img.RepoTags[0]); err == nil {
			if nt, ok := ref.(reference.NamedTagged); ok {
				repo, tag = reference.FamiliarName(ref), nt.Tag()
			}
		}
	}
	return &ImageRow{trunc: trunc, img: img, repo: repo, tag: tag}
}

// ContainerRow is a container in `system df -v`.
type ContainerRow struct {
	trunc bool
	c     container.Summary
}

// NewContainerRow wraps a container summary.
func NewContainerRow(c container.Summary, trunc bool) *ContainerRow {
	return &ContainerRow{trunc: trunc, c: c}
}

// MarshalJSON lists the row's template fields.
func (r *ContainerRow) MarshalJSON() ([]byte, error) { return MarshalMethods(r) }

// ID is the container ID.
func (r *ContainerRow) ID() string {
	if r.trunc {
		return TruncateID(r.c.ID)
	}
	return r.c.ID
}

// Names lists the container's names without the leading slash.
func (r *ContainerRow) Names() string {
	names := make([]string, 0, len(r.c.Names))
	for _, n := range r.c.Names {
		names = append(names, strings.TrimPrefix(n, "/"))
	}
	return strings.Join(names, ",")
}

// Image is the image the container was made from.
func (r *ContainerRow) Image() string {
	if r.c.Image == "" {
		return "<no image>"
	}
	return r.c.Image
}

// Command is the quoted command, cut to 20 characters.
func (r *ContainerRow) Command() string {
	cmd := r.c.Command
	if r.trunc {
		cmd = Ellipsis(cmd, 20)
	}
	return strconv.Quote(cmd)
}

// RunningFor is how long ago the container was created.
func (r *ContainerRow) RunningFor() string { return Since(r.c.Created) }

// Status is the daemon's status text.
func (r *ContainerRow) Status() string { return r.c.Status }

// Size is the container's writable layer size.
func (r *ContainerRow) Size() string { return units.HumanSizeWithPrecision(float64(r.c.SizeRw), 3) }

// LocalVolumes counts the local volumes it mounts.
func (r *ContainerRow) LocalVolumes() string {
	n := 0
	for _, m := range r.c.Mounts {
		if m.Driver == "local" {
			n++
		}
	}
	return strconv.Itoa(n)
}

// VolumeRow is a volume in `system df -v`.
type VolumeRow struct{ v volume.Volume }

// NewVolumeRow wraps a volume.
func NewVolumeRow(v volume.Volume) *VolumeRow { return &VolumeRow{v: v} }

// MarshalJSON lists the row's template fields.
func (r *VolumeRow) MarshalJSON() ([]byte, error) { return MarshalMethods(r) }

// Name is the volume name.
func (r *VolumeRow) Name() string { return r.v.Name }

// Links counts the containers using it, or N/A.
func (r *VolumeRow) Links() string {
	if r.v.UsageData == nil {
		return "N/A"
	}
	return strconv.FormatInt(r.v.UsageData.RefCount, 10)
}

// Size is the volume's size, or N/A.
func (r *VolumeRow) Size() string {
	if r.v.UsageData == nil {
		return "N/A"
	}
	return units.HumanSize(float64(r.v.UsageData.Size))
}

// CacheRow is a build cache record in `system df -v`.
type CacheRow struct {
	trunc bool
	v     build.CacheRecord
}

// NewCacheRow wraps a build cache record.
func NewCacheRow(v build.CacheRecord, trunc bool) *CacheRow { return &CacheRow{trunc: trunc, v: v} }

// MarshalJSON lists the row's template fields.
func (r *CacheRow) MarshalJSON() ([]byte, error) { return MarshalMethods(r) }

// ID is the record ID, starred when in use.
func (r *CacheRow) ID() string {
	id := r.v.ID
	if r.trunc {
		id = TruncateID(id)
	}
	if r.v.InUse {
		return id + "*"
	}
	return id
}

// CacheType is the kind of record.
func (r *CacheRow) CacheType() string { return r.v.Type }

// Size is the record's size.
func (r *CacheRow) Size() string { return units.HumanSizeWithPrecision(float64(r.v.Size), 3) }

// CreatedSince is how long ago it was made.
func (r *CacheRow) CreatedSince() string { return sinceTime(r.v.CreatedAt) }

// LastUsedSince is how long ago it was last used.
func (r *CacheRow) LastUsedSince() string {
	if r.v.LastUsedAt == nil {
		return ""
	}
	return sinceTime(*r.v.LastUsedAt)
}

// UsageCount is how often it was used.
func (r *CacheRow) UsageCount() string { return strconv.Itoa(r.v.UsageCount) }

// Shared reports whether it is shared.
func (r *CacheRow) Shared() string { return strconv.FormatBool(r.v.Shared) }
