package format

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Format keys with a meaning of their own.
const (
	TableKey = "table"
	JSONKey  = "json"
	// QuietFormat is what -q selects: one ID a line.
	QuietFormat = "{{.ID}}"
)

// IsTable reports whether f asks for a table with a header row.
func IsTable(f string) bool { return strings.HasPrefix(f, TableKey) }

// Context renders rows through one --format value.
type Context struct {
	Output io.Writer
	Format string
}

// body turns the user's format into the template text for one row.
func (c Context) body() string {
	f := c.Format
	switch {
	case IsTable(f):
		f = f[len(TableKey):]
	case f == JSONKey:
		f = "{{json .}}"
	}
	f = strings.Trim(f, " ")
	return strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(f)
}

// Write renders each row; header maps a row's field names to column titles
// and is used only for tables.
func (c Context) Write(header map[string]string, rows []any) error {
	tmpl, err := Parse(c.body())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, row := range rows {
		if err := tmpl.Execute(&buf, row); err != nil {
			return fmt.Errorf("template parsing error: %w", err)
		}
		buf.WriteString("\n")
	}
	if !IsTable(c.Format) {
		_, err := buf.WriteTo(c.Output)
		return err
	}
	tw := tabwriter.NewWriter(c.Output, 10, 1, 3, ' ', 0)
	var head bytes.Buffer
	// A header that cannot render leaves the row empty, as docker's does.
	_ = tmpl.Funcs(headerFuncs).Execute(&head, headerRow(header))
	_, _ = head.WriteTo(tw)
	_, _ = tw.Write([]byte("\n"))
	_, _ = buf.WriteTo(tw)
	return tw.Flush()
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// headerRow is what a table's header row renders: the column titles by
// field name, and Label, which titles a {{.Label "com.example.some-key"}}
// column by the label's last part with dashes and underscores as spaces
// ("some key"), as docker's header does. A method wins over a map key in
// templates, so the other fields still come from the map.
type headerRow map[string]string

// Label titles a label's column.
func (headerRow) Label(name string) string {
	parts := strings.Split(name, ".")
	return strings.NewReplacer("-", " ", "_", " ").Replace(parts[len(parts)-1])
}
