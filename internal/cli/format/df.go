package format

import (
	"fmt"
	"strconv"
	"time"

	units "github.com/docker/go-units"
)

// Disk usage templates, as docker prints them.
const (
	DiskUsageTable       = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}"
	DiskUsageImageTable  = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}"
	DiskUsageCtrTable    = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}"
	DiskUsageVolumeTable = "table {{.Name}}\t{{.Links}}\t{{.Size}}"
	DiskUsageCacheTable  = "table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}"
)

// DiskUsageHeader titles the summary columns of `system df`.
var DiskUsageHeader = map[string]string{
	"Type":        "TYPE",
	"TotalCount":  "TOTAL",
	"Active":      "ACTIVE",
	"Size":        SizeHeader,
	"Reclaimable": "RECLAIMABLE",
}

// UsageRow is one summary line of `system df`.
type UsageRow struct {
	kind              string
	total, active     int64
	size, reclaimable int64
}

// NewUsageRow describes one kind of object's disk usage.
func NewUsageRow(kind string, total, active, size, reclaimable int64) *UsageRow {
	return &UsageRow{kind: kind, total: total, active: active, size: size, reclaimable: reclaimable}
}

// MarshalJSON lists the row's template fields.
func (r *UsageRow) MarshalJSON() ([]byte, error) { return MarshalMethods(r) }

// Type names the kind of object.
func (r *UsageRow) Type() string { return r.kind }

// TotalCount is how many objects there are.
func (r *UsageRow) TotalCount() string { return strconv.FormatInt(r.total, 10) }

// Active is how many are in use.
func (r *UsageRow) Active() string { return strconv.FormatInt(r.active, 10) }

// Size is the space they take.
func (r *UsageRow) Size() string { return units.HumanSize(float64(r.size)) }

// Reclaimable is the space a prune would free, with its share of the total.
func (r *UsageRow) Reclaimable() string {
	if r.size > 0 {
		return fmt.Sprintf("%s (%v%%)", units.HumanSize(float64(r.reclaimable)), r.reclaimable*100/r.size)
	}
	return units.HumanSize(float64(r.reclaimable))
}

// sinceTime renders a time as "3 hours ago".
func sinceTime(t time.Time) string {
	return units.HumanDuration(time.Now().UTC().Sub(t)) + " ago"
}
