package jsonlog

import (
	"fmt"
	"strconv"
	"strings"
)

// Options bound the disk a container's log may use.
type Options struct {
	// MaxSize is the size in bytes at which the current file is rotated;
	// 0 means never rotate.
	MaxSize int64
	// MaxFiles is how many files to keep, the current one included: the
	// rotated ones are path.1 (newest) .. path.(MaxFiles-1). Values below 1
	// count as 1: rotation then starts the current file afresh.
	MaxFiles int
}

// invalidError is an invalid log option. Its InvalidParameter method is
// what github.com/containerd/errdefs.IsInvalidArgument looks for, so berthd
// answers 400 without this package importing more than the standard
// library (the shim links it).
type invalidError struct{ msg string }

func (e *invalidError) Error() string     { return e.msg }
func (e *invalidError) InvalidParameter() {}

func invalidf(format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf(format, args...)}
}

// ParseSize parses a max-size log option as dockerd does: a number,
// optionally fractional, then an optional unit k, m, g, t or p (powers of
// 1000, as in Docker, not 1024), optionally followed by "b" or "ib", in any
// case: "100", "512k", "10m", "1.5g", "10MB".
func ParseSize(s string) (int64, error) {
	num := strings.TrimRight(s, "bBiIkKmMgGtTpP")
	unit := strings.ToLower(strings.TrimSpace(s[len(num):]))
	num = strings.TrimSpace(num)
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || num == "" || strings.ContainsAny(num, "eExXnN_+") {
		return 0, invalidf("invalid size: %q", s)
	}
	mult := float64(1)
	if unit != "" && unit != "b" {
		i := strings.IndexByte("kmgtp", unit[0])
		if i < 0 || (unit[1:] != "" && unit[1:] != "b" && unit[1:] != "ib") {
			return 0, invalidf("invalid size: %q: unknown unit %q", s, unit)
		}
		for ; i >= 0; i-- {
			mult *= 1000
		}
	}
	v := f * mult
	if v >= 1<<63 {
		return 0, invalidf("invalid size: %q: too large", s)
	}
	return int64(v), nil
}

// ParseOptions reads the json-file driver's --log-opt values. It accepts the
// keys dockerd's json-file driver accepts, so a compose file written for
// Docker is not refused, and uses max-size and max-file. Rotated files are
// never compressed: compress=true is accepted (and checked as dockerd checks
// it) but the files stay plain; labels, env and tag are accepted and not
// yet added to entries as "attrs".
func ParseOptions(cfg map[string]string) (Options, error) {
	o := Options{MaxFiles: 1}
	compress := false
	for k, v := range cfg {
		switch k {
		case "max-size":
			n, err := ParseSize(v)
			if err != nil {
				return Options{}, err
			}
			if n <= 0 {
				return Options{}, invalidf("max-size must be a positive number")
			}
			o.MaxSize = n
		case "max-file":
			n, err := strconv.Atoi(v)
			if err != nil {
				return Options{}, invalidf("invalid max-file %q", v)
			}
			if n < 1 {
				return Options{}, invalidf("max-file cannot be less than 1")
			}
			o.MaxFiles = n
		case "compress":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return Options{}, invalidf("invalid compress %q", v)
			}
			compress = b
		case "labels", "labels-regex", "env", "env-regex", "tag":
		default:
			return Options{}, invalidf("unknown log opt '%s' for json-file log driver", k)
		}
	}
	if compress && (o.MaxFiles < 2 || o.MaxSize == 0) {
		return Options{}, invalidf("compress needs max-file of 2 or more and max-size")
	}
	return o, nil
}
