package jsonlog

import (
	"errors"
	"time"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// safe marks the ASCII bytes written as they are.
var safe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// appendEntry appends one log line, newline included, in the exact byte
// layout dockerd writes: fields "log" (left out when empty, as dockerd's
// omitempty does), "stream" (likewise), then "time" in RFC 3339 with
// nanoseconds, trailing zeros trimmed, in UTC.
func appendEntry(buf []byte, stream string, line []byte, t time.Time) ([]byte, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		// RFC 3339 has four-digit years; encoding/json refuses the rest too.
		return buf, errors.New("jsonlog: timestamp year outside [0,9999]")
	}
	buf = append(buf, '{')
	sep := false
	if len(line) > 0 {
		buf = append(buf, `"log":`...)
		buf = appendString(buf, line)
		sep = true
	}
	if stream != "" {
		if sep {
			buf = append(buf, ',')
		}
		buf = append(buf, `"stream":`...)
		buf = appendString(buf, []byte(stream))
		sep = true
	}
	if sep {
		buf = append(buf, ',')
	}
	buf = append(buf, `"time":"`...)
	buf = t.AppendFormat(buf, time.RFC3339Nano)
	return append(buf, '"', '}', '\n'), nil
}

// appendString appends s as a quoted JSON string escaped as dockerd escapes
// its log lines. That is encoding/json's escaping with HTML escaping on
// ('<', '>', '&' become \u003c, \u003e, \u0026; invalid UTF-8 becomes
// \ufffd; U+2028 and U+2029 are escaped) with one difference that matters
// for byte equality: dockerd's writer spells every control character other
// than \n and \r as \u00XX, so a tab is \u0009 where encoding/json writes \t
// (likewise \b and \f). Both decode to the same string.
func appendString(buf, s []byte) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '"', '\\':
				buf = append(buf, '\\', b)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but they end lines in JavaScript.
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
