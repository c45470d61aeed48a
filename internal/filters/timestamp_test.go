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

func TestUntil(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	if got, err := (Args{}).Until(now); err != nil || !got.IsZero() {
		t.Errorf("no filter: %v, %v; want zero", got, err)
	}
	if got, err := New([2]string{"until", "10m"}).Until(now); err != nil || !got.Equal(now.Add(-10*time.Minute)) {
		t.Errorf("until=10m: %v, %v", got, err)
	}
	two := New([2]string{"until", "10m"}, [2]string{"until", "1h"})
	if _, err := two.Until(now); err == nil || err.Error() != "invalid filter 'until': only one value is allowed" {
		t.Errorf("two values: %v", err)
	}
}
