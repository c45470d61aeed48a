package jsonlog

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// dockerEscapes turns encoding/json's output into dockerd's: dockerd's log
// writer spells \t, \b and \f as \u0009, \u0008 and \u000c and agrees with
// encoding/json (HTML escaping on) on everything else.
func dockerEscapes(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			out = append(out, b[i])
			continue
		}
		i++
		switch b[i] {
		case 't':
			out = append(out, `\u0009`...)
		case 'b':
			out = append(out, `\u0008`...)
		case 'f':
			out = append(out, `\u000c`...)
		default:
			out = append(out, '\\', b[i])
		}
	}
	return out
}

func checkEscape(t *testing.T, s []byte) {
	t.Helper()
	got := appendString(nil, s)
	want, err := json.Marshal(string(s))
	if err != nil {
		t.Fatal(err)
	}
	if want = dockerEscapes(want); !bytes.Equal(got, want) {
		t.Fatalf("escape %q:\n got %s\nwant %s", s, got, want)
	}
	var back, orig string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("escape %q: output %s is not JSON: %v", s, got, err)
	}
	json.Unmarshal(want, &orig)
	if back != orig {
		t.Fatalf("escape %q decodes to %q, encoding/json's to %q", s, back, orig)
	}
}

var specials = []string{
	"", "plain", `"quoted"`, `back\slash`, "new\nline\r\n", "tab\there",
	"<script>&amp;</script>", "\u2028 and \u2029", "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f",
	"bad utf8 \xff\xfe end", "cut \xe2\x82", "caf\xc3\xa9 \xf0\x9f\x9a\x80 ψ", "\xed\xa0\x80 surrogate",
	"0123456789abcdef", "\\u0041 is not A",
}

func TestEscapeMatchesEncodingJSON(t *testing.T) {
	for _, s := range specials {
		checkEscape(t, []byte(s))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab<>&\"\\\n\r\t\x00\x1f\x7f\x80\xc3\xa9\xe2\x80\xa8\xff")
	for range 5000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			if rng.IntN(2) == 0 {
				b[i] = byte(rng.IntN(256))
			} else {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		checkEscape(t, b)
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range specials {
		f.Add([]byte(s))
	}
	f.Fuzz(checkEscape)
}

// TestDockerdBytes pins lines as dockerd's json-file driver writes them.
func TestDockerdBytes(t *testing.T) {
	ts := time.Date(2017, 9, 1, 1, 1, 1, 1, time.UTC)
	for _, c := range []struct {
		stream, line string
		t            time.Time
		want         string
	}{
		{"stdout", "a line\n", ts, `{"log":"a line\n","stream":"stdout","time":"2017-09-01T01:01:01.000000001Z"}`},
		{"stderr", "& < >\t\r", ts, `{"log":"\u0026 \u003c \u003e\u0009\r","stream":"stderr","time":"2017-09-01T01:01:01.000000001Z"}`},
		{"stdout", "\xaf\x7f\u2028", ts, `{"log":"\ufffd` + "\x7f" + `\u2028","stream":"stdout","time":"2017-09-01T01:01:01.000000001Z"}`},
		{"stdout", "", ts, `{"stream":"stdout","time":"2017-09-01T01:01:01.000000001Z"}`},
		{"", "x", time.Time{}, `{"log":"x","time":"0001-01-01T00:00:00Z"}`},
		{"stdout", "y", time.Date(2024, 2, 3, 5, 6, 7, 120000000, time.FixedZone("x", 3600)), `{"log":"y","stream":"stdout","time":"2024-02-03T04:06:07.12Z"}`},
	} {
		got, err := appendEntry(nil, c.stream, []byte(c.line), c.t)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want+"\n" {
			t.Errorf("entry %q:\n got %s want %s", c.line, got, c.want)
		}
	}
	if _, err := appendEntry(nil, "stdout", nil, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("year 10000 accepted")
	}
}

// TestEntryMatchesEncodingJSON compares whole entries with what encoding/json
// makes of dockerd's record type.
func TestEntryMatchesEncodingJSON(t *testing.T) {
	type dockerRecord struct {
		Log    string    `json:"log,omitempty"`
		Stream string    `json:"stream,omitempty"`
		Time   time.Time `json:"time"`
	}
	ts := time.Now().UTC()
	for _, s := range specials {
		got, err := appendEntry(nil, "stderr", []byte(s), ts)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(dockerRecord{Log: s, Stream: "stderr", Time: ts})
		if want = append(dockerEscapes(want), '\n'); !bytes.Equal(got, want) {
			t.Errorf("entry %q:\n got %s want %s", s, got, want)
		}
	}
}
