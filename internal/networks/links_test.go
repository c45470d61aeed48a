package networks

import "testing"

func TestParseLink(t *testing.T) {
	for in, want := range map[string][2]string{
		"db":             {"db", "db"},
		"db:database":    {"db", "database"},
		"/db:/web/store": {"db", "store"},
	} {
		name, alias, err := parseLink(in)
		if err != nil || name != want[0] || alias != want[1] {
			t.Errorf("parseLink(%q) = %q, %q, %v", in, name, alias, err)
		}
	}
	if _, _, err := parseLink(":x"); err == nil {
		t.Error("a link without a name parsed")
	}
}
