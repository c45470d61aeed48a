package format

import (
	"strconv"
	"strings"
	"time"

	units "github.com/docker/go-units"
	"github.com/moby/moby/api/types/image"
)

// History templates, as docker prints them.
const (
	HistoryTable      = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
	HistoryTableExact = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
)

// HistoryHeader titles the columns of history rows.
var HistoryHeader = map[string]string{
	"ID":           "IMAGE",
	"CreatedSince": CreatedSinceHeader,
	"CreatedAt":    CreatedAtHeader,
	"CreatedBy":    "CREATED BY",
	"Size":         SizeHeader,
	"Comment":      "COMMENT",
}

// HistoryFormat picks the template for `history` from its flags.
func HistoryFormat(source string, quiet, human bool) string {
	if source != TableKey {
		return source
	}
	switch {
	case quiet:
		return QuietFormat
	case !human:
		return HistoryTableExact
	default:
		return HistoryTable
	}
}

// y2k: history entries older than this carry no real date (docker shows N/A).
var y2k = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

// HistoryRow is one layer in `history`.
type HistoryRow struct {
	trunc, human bool
	h            image.HistoryResponseItem
}

// HistoryRows wraps history items for rendering.
func HistoryRows(items []image.HistoryResponseItem, trunc, human bool) []any {
	rows := make([]any, 0, len(items))
	for _, h := range items {
		rows = append(rows, &HistoryRow{trunc: trunc, human: human, h: h})
	}
	return rows
}

// MarshalJSON lists the row's template fields.
func (r *HistoryRow) MarshalJSON() ([]byte, error) { return MarshalMethods(r) }

// ID is the layer's image ID ("<missing>" for layers built elsewhere).
func (r *HistoryRow) ID() string {
	if r.trunc {
		return TruncateID(r.h.ID)
	}
	return r.h.ID
}

// CreatedAt is the creation time in RFC 3339.
func (r *HistoryRow) CreatedAt() string { return time.Unix(r.h.Created, 0).Format(time.RFC3339) }

// CreatedSince is how long ago the layer was made, or N/A.
func (r *HistoryRow) CreatedSince() string {
	if !r.human {
		return r.CreatedAt()
	}
	if r.h.Created <= y2k {
		return "N/A"
	}
	return Since(r.h.Created)
}

// CreatedBy is the instruction that made the layer.
func (r *HistoryRow) CreatedBy() string {
	s := strings.ReplaceAll(r.h.CreatedBy, "\t", " ")
	if r.trunc {
		return Ellipsis(s, 45)
	}
	return s
}

// Size is the layer size, human readable unless -H=false.
func (r *HistoryRow) Size() string {
	if r.human {
		return units.HumanSizeWithPrecision(float64(r.h.Size), 3)
	}
	return strconv.FormatInt(r.h.Size, 10)
}

// Comment is the layer's comment.
func (r *HistoryRow) Comment() string { return r.h.Comment }
