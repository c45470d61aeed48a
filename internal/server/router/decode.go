package router

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/containerd/errdefs"
)

// MaxJSONBody bounds a JSON request body. Docker's engine sets no bound at
// all, so a 100 MB create body once took half a gigabyte of memory and
// landed whole in metadata.db; real bodies (create with a large
// environment, compose labels) stay far below a megabyte.
const MaxJSONBody = 10 << 20

// maxDrain is how much of a refused oversized body is read and dropped.
const maxDrain = 256 << 20

// ErrNoBody marks a request whose JSON body was empty; each route decides
// whether that is fine (commit, update, volume create) or not (create).
var ErrNoBody = errors.New("empty body")

// CheckJSON refuses a body that is not declared as JSON, with Docker's
// words. A request with no body may omit the Content-Type.
func CheckJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" && (r.Body == nil || r.ContentLength == 0) {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("malformed Content-Type header (%s): %v", ct, err))
	}
	if mt != "application/json" {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(
			"unsupported Content-Type header (%s): must be 'application/json'", ct))
	}
	return nil
}

// ReadJSON decodes the JSON body of r into out, reading at most
// MaxJSONBody bytes. strict refuses fields out does not know, so a setting
// the client asked for is never silently dropped. Errors read as Docker's
// ("invalid JSON: ...").
func ReadJSON(r *http.Request, out any, strict bool) error {
	if err := CheckJSON(r); err != nil {
		return err
	}
	if r.Body == nil || r.ContentLength == 0 {
		return ErrNoBody
	}
	body := &io.LimitedReader{R: r.Body, N: MaxJSONBody + 1}
	dec := json.NewDecoder(body)
	if strict {
		dec.DisallowUnknownFields()
	}
	err := dec.Decode(out)
	if body.N == 0 {
		// Read on (without keeping anything) so that a client still
		// sending gets the answer rather than a broken pipe; a body past
		// maxDrain just has its connection closed.
		io.CopyN(io.Discard, r.Body, maxDrain)
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid JSON: request body too large (more than %d bytes)", MaxJSONBody))
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return ErrNoBody
		}
		return errdefs.ErrInvalidArgument.WithMessage("invalid JSON: " + err.Error())
	}
	if dec.More() {
		return errdefs.ErrInvalidArgument.WithMessage("unexpected content after JSON")
	}
	return nil
}
