package supervisor

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/containerd/errdefs"
)

// defaultDetachKeys is Docker's ctrl-p,ctrl-q.
var defaultDetachKeys = []byte{16, 17}

// errDetached ends an attach when the client typed the detach keys.
var errDetached = errors.New("detached")

// parseDetachKeys reads Docker's notation: "ctrl-p,ctrl-q", "a,ctrl-@".
func parseDetachKeys(s string) ([]byte, error) {
	if s == "" {
		return defaultDetachKeys, nil
	}
	var out []byte
	for _, k := range strings.Split(s, ",") {
		switch {
		case len(k) == 1:
			out = append(out, k[0])
		case strings.HasPrefix(k, "ctrl-") && len(k) == 6:
			c := k[5]
			switch {
			case c >= 'a' && c <= 'z':
				out = append(out, c-'a'+1)
			case c == '@':
				out = append(out, 0)
			case c >= '[' && c <= '_':
				out = append(out, c-'['+27)
			default:
				return nil, badDetachKeys(s)
			}
		default:
			return nil, badDetachKeys(s)
		}
	}
	return out, nil
}

func badDetachKeys(s string) error {
	return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid detach keys (%s) provided", s))
}

// detachReader passes input through until the detach sequence appears.
// Bytes that start the sequence are held back until it is clear they are
// not part of it.
type detachReader struct {
	r       io.Reader
	keys    []byte
	matched int
	pending []byte
	// detached is set once the sequence was read; the bytes before it are
	// delivered first.
	detached bool
}

func (d *detachReader) Read(p []byte) (int, error) {
	if len(d.pending) > 0 {
		n := copy(p, d.pending)
		d.pending = d.pending[n:]
		return n, nil
	}
	if d.detached {
		return 0, errDetached
	}
	buf := make([]byte, len(p))
	n, err := d.r.Read(buf)
	out := p[:0]
	for _, b := range buf[:n] {
		if b == d.keys[d.matched] {
			d.matched++
			if d.matched == len(d.keys) {
				d.detached = true
				break
			}
			continue
		}
		if d.matched > 0 {
			out = append(out, d.keys[:d.matched]...)
			d.matched = 0
			if b == d.keys[0] {
				d.matched = 1
				continue
			}
		}
		out = append(out, b)
	}
	if d.detached {
		err = nil
	}
	if len(out) > len(p) {
		d.pending = append(d.pending, out[len(p):]...)
		out = out[:len(p)]
	}
	if len(out) == 0 && err == nil {
		return d.Read(p)
	}
	if len(out) == 0 && d.detached {
		return 0, errDetached
	}
	return len(out), err
}
