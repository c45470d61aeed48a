package format

import (
	"bytes"
	"testing"
)

type row struct{ name, size string }

func (r row) Name() string { return r.name }
func (r row) Size() string { return r.size }

func TestContextWrite(t *testing.T) {
	rows := []any{row{"alpha", "1MB"}, row{"b", "22.5MB"}}
	header := map[string]string{"Name": "NAME", "Size": "SIZE"}
	for _, tc := range []struct{ format, want string }{
		{"table {{.Name}}\t{{.Size}}", "NAME      SIZE\nalpha     1MB\nb         22.5MB\n"},
		{"table {{upper .Name}}\\t{{.Size}}", "NAME      SIZE\nALPHA     1MB\nB         22.5MB\n"},
		{"{{.Name}}={{.Size}}", "alpha=1MB\nb=22.5MB\n"},
		{"{{truncate .Name 2}}|{{pad .Name 1 2}}|{{title .Name}}|{{join (split .Size \".\") \",\"}}", "al| alpha  |Alpha|1MB\nb| b  |B|22,5MB\n"},
	} {
		var out bytes.Buffer
		if err := (Context{Output: &out, Format: tc.format}).Write(header, rows); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.format, out.String(), tc.want)
		}
	}
	if err := (Context{Output: &bytes.Buffer{}, Format: "{{"}).Write(header, rows); err == nil {
		t.Error("bad template accepted")
	}
}

func TestHelpers(t *testing.T) {
	if got := TruncateID("sha256:65ad0d468eb1c558bf7f"); got != "65ad0d468eb1" {
		t.Errorf("TruncateID = %q", got)
	}
	if got := Ellipsis("/bin/sh -c echo hello world", 10); got != "/bin/sh -…" {
		t.Errorf("Ellipsis = %q", got)
	}
	if got := Ellipsis("short", 10); got != "short" {
		t.Errorf("Ellipsis = %q", got)
	}
}
