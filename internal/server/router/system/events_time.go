package system

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxFracDigits bounds the fraction of a timestamp: nine digits are
// documented; longer ones are cut to nanoseconds, up to what a uint64 holds.
const maxFracDigits = 20

// parseUnixTimestamp reads since/until as Docker's daemon does: Unix seconds
// (negative ones too), optionally followed by a fraction. Clients turn
// durations and dates into this form themselves. Absent is the zero time,
// meaning unbounded; "0" is the epoch, so since=0 replays every buffered
// event.
func parseUnixTimestamp(value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	secs, frac, _ := strings.Cut(value, ".")
	s, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		if ne := (*strconv.NumError)(nil); errors.As(err, &ne) {
			err = ne.Err
		}
		return time.Time{}, fmt.Errorf("invalid timestamp %q: invalid seconds %q: %w", value, secs, err)
	}
	if strings.Trim(frac, "0") == "" {
		return time.Unix(s, 0).UTC(), nil
	}
	if len(frac) > maxFracDigits {
		return time.Time{}, fmt.Errorf("invalid timestamp %q: invalid nanoseconds: length %d exceeds maximum %d", value, len(frac), maxFracDigits)
	}
	for i := range len(frac) {
		if c := frac[i]; c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("invalid timestamp %q: invalid nanoseconds: invalid character %q at position %d", value, c, i)
		}
	}
	frac = (frac + "000000000")[:9]
	ns, _ := strconv.ParseInt(frac, 10, 64) // nine digits always fit
	return time.Unix(s, ns).UTC(), nil
}
