package supervisor

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestDetachReader(t *testing.T) {
	keys, err := parseDetachKeys("ctrl-p,ctrl-q")
	if err != nil {
		t.Fatal(err)
	}
	r := &detachReader{r: bytes.NewReader([]byte("ab\x10c\x10\x10\x11rest")), keys: keys}
	got, err := io.ReadAll(r)
	if !errors.Is(err, errDetached) {
		t.Fatalf("want detach, got %v", err)
	}
	if string(got) != "ab\x10c\x10" {
		t.Fatalf("passed through %q", got)
	}
	if _, err := parseDetachKeys("ctrl-1"); err == nil {
		t.Fatal("bad keys accepted")
	}
	r = &detachReader{r: bytes.NewReader([]byte("plain")), keys: keys}
	if got, err := io.ReadAll(r); err != nil || string(got) != "plain" {
		t.Fatalf("%q %v", got, err)
	}
}
