package filters

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
)

// ParseTimestamp reads a time as the API's since/until parameters give it:
// Unix seconds with an optional fraction, an RFC 3339 date or date-time, or
// a Go duration counted back from now ("10m" means ten minutes ago).
func ParseTimestamp(value string, now time.Time) (time.Time, error) {
	if dur, err := time.ParseDuration(value); err == nil {
		return now.Add(-dur), nil
	}
	if secs, frac, ok := strings.Cut(value, "."); ok || isDigits(secs) {
		if isDigits(secs) && (frac == "" || isDigits(frac)) {
			s, _ := strconv.ParseInt(secs, 10, 64)
			var ns int64
			if frac != "" {
				frac = (frac + "000000000")[:9]
				ns, _ = strconv.ParseInt(frac, 10, 64)
			}
			return time.Unix(s, ns), nil
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, value, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("failed to parse value as time or duration: %q", value))
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Until reads the until filter of a list or prune: a timestamp, or a
// duration counted back from now. It is zero when the filter is not given.
func (a Args) Until(now time.Time) (time.Time, error) {
	vals := a.Get("until")
	if len(vals) == 0 {
		return time.Time{}, nil
	}
	if len(vals) > 1 {
		return time.Time{}, errdefs.ErrInvalidArgument.WithMessage("invalid filter 'until': only one value is allowed")
	}
	return ParseTimestamp(vals[0], now)
}
