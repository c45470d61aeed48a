package router

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/moby/moby/api/types/jsonstream"
)

// WriteJSON answers status with v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// BoolValue parses a query boolean as Docker does: absent, "", "0", "no",
// "false" and "none" (any case) are false, every other value is true. Only
// the URL is read: the body of a POST is the payload (a tarball), never a
// form, whatever Content-Type a client sends.
func BoolValue(r *http.Request, key string) bool {
	switch strings.ToLower(strings.TrimSpace(r.URL.Query().Get(key))) {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

// BoolValueOrDefault is BoolValue with def for a parameter that is absent
// or empty.
func BoolValueOrDefault(r *http.Request, key string, def bool) bool {
	if r.URL.Query().Get(key) == "" {
		return def
	}
	return BoolValue(r, key)
}

// StreamWriter sends every write to the client at once: progress streams
// and exports would otherwise sit in the server's buffer. It remembers
// whether anything was written, because an error can still become a proper
// HTTP status only before that.
type StreamWriter struct {
	w       http.ResponseWriter
	started bool
}

// NewStreamWriter wraps w.
func NewStreamWriter(w http.ResponseWriter) *StreamWriter { return &StreamWriter{w: w} }

// Write writes p and flushes it.
func (s *StreamWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s.started = true
	n, err := s.w.Write(p)
	if err == nil {
		err = http.NewResponseController(s.w).Flush()
	}
	return n, err
}

// Started reports whether the response has begun.
func (s *StreamWriter) Started() bool { return s.started }

// JSONStream writes the stream of JSON messages that pull, import, load and
// build answer with (Content-Type application/json, which tells the docker
// CLI to render them as progress).
type JSONStream struct {
	out *StreamWriter
	enc *json.Encoder
}

// NewJSONStream starts a JSON message stream on w.
func NewJSONStream(w http.ResponseWriter) *JSONStream {
	w.Header().Set("Content-Type", "application/json")
	out := NewStreamWriter(w)
	return &JSONStream{out: out, enc: json.NewEncoder(out)}
}

// Send writes one message.
func (s *JSONStream) Send(m jsonstream.Message) error { return s.enc.Encode(m) }

// Started reports whether a message was sent.
func (s *JSONStream) Started() bool { return s.out.Started() }

// streamError is a message carrying an error. Clients read errorDetail;
// old ones read the plain "error" string, which jsonstream.Message lacks.
type streamError struct {
	jsonstream.Message
	ErrorMessage string `json:"error,omitempty"`
}

// Fail reports err inside the stream: the status line has been sent
// already, so the client learns of the failure from the last message.
// An error with an exit status (a build's failed RUN) carries it as the
// errorDetail's code, which the docker CLI exits with.
func (s *JSONStream) Fail(err error) error {
	msg := err.Error()
	detail := &jsonstream.Error{Message: msg}
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		detail.Code = coded.ExitCode()
	}
	return s.enc.Encode(streamError{
		Message:      jsonstream.Message{Error: detail},
		ErrorMessage: msg,
	})
}

// Finish ends a handler whose stream may have started: before the first
// message err is returned so the server answers it with a status; after,
// it is sent in the stream.
func (s *JSONStream) Finish(err error) error {
	if err == nil {
		return nil
	}
	if !s.Started() {
		return err
	}
	return s.Fail(err)
}
