package format

import (
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/registry"
)

// SearchTable is docker's default `search` table.
const SearchTable = "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}"

// SearchHeader titles the columns of search rows.
var SearchHeader = map[string]string{
	"Name":        "NAME",
	"Description": "DESCRIPTION",
	"StarCount":   "STARS",
	"IsOfficial":  "OFFICIAL",
}

// SearchRow is one search result as `search` templates see it.
type SearchRow struct {
	trunc bool
	r     registry.SearchResult
}

// SearchRows wraps results; trunc shortens descriptions as docker does.
func SearchRows(results []registry.SearchResult, trunc bool) []any {
	rows := make([]any, 0, len(results))
	for _, r := range results {
		rows = append(rows, &SearchRow{trunc: trunc, r: r})
	}
	return rows
}

// MarshalJSON lists the row's template fields.
func (r *SearchRow) MarshalJSON() ([]byte, error) { return MarshalMethods(r) }

// Name is the repository.
func (r *SearchRow) Name() string { return r.r.Name }

// Description is the repository's description on one line, cut to 45
// characters with an ellipsis unless --no-trunc.
func (r *SearchRow) Description() string {
	d := strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(r.r.Description)
	if rs := []rune(d); r.trunc && len(rs) > 45 {
		d = string(rs[:44]) + "…"
	}
	return d
}

// StarCount is the number of stars.
func (r *SearchRow) StarCount() string { return strconv.Itoa(r.r.StarCount) }

// IsOfficial is "[OK]" for an official repository.
func (r *SearchRow) IsOfficial() string {
	if r.r.IsOfficial {
		return "[OK]"
	}
	return ""
}
