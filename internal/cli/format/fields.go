package format

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	units "github.com/docker/go-units"
)

// Common column titles.
const (
	CreatedSinceHeader = "CREATED"
	CreatedAtHeader    = "CREATED AT"
	SizeHeader         = "SIZE"
)

// MarshalMethods encodes v (a pointer to a row type) as a JSON object with
// one key per exported, argument-less, single-result method: the same
// fields a template can name, which is what {{json .}} shows in docker.
func MarshalMethods(v any) ([]byte, error) {
	val := reflect.ValueOf(v)
	typ := val.Type()
	out := map[string]any{}
	for i := 0; i < val.NumMethod(); i++ {
		m := typ.Method(i)
		fn := val.Method(i)
		if m.Name == "MarshalJSON" || !unicode.IsUpper(rune(m.Name[0])) {
			continue
		}
		if fn.Type().NumIn() != 0 || fn.Type().NumOut() != 1 {
			continue
		}
		out[m.Name] = fn.Call(nil)[0].Interface()
	}
	return json.Marshal(out)
}

// TruncateID shortens an image or container ID to docker's 12 hex digits.
func TruncateID(id string) string {
	if _, after, ok := strings.Cut(id, ":"); ok {
		id = after
	}
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

// Ellipsis cuts s to max characters, marking the cut with "…".
func Ellipsis(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)
	if max == 1 {
		return string(rs[0])
	}
	return string(rs[:max-1]) + "…"
}

// Since renders a Unix time as "2 weeks ago".
func Since(unix int64) string {
	return units.HumanDuration(time.Now().UTC().Sub(time.Unix(unix, 0))) + " ago"
}
