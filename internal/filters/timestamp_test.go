package filters

import (
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	cases := map[string]time.Time{
		"1700000000":           time.Unix(1_700_000_000, 0),
		"1700000000.5":         time.Unix(1_700_000_000, 500_000_000),
		"10m":                  now.Add(-10 * time.Minute),
		"2023-11-14T22:13:20Z": time.Unix(1_700_000_000, 0),
	}
	for in, want := range cases {
		got, err := ParseTimestamp(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseTimestamp("yesterday", now); err == nil {
		t.Error("garbage accepted")
	}
}
