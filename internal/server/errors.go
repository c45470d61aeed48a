package server

import (
	"bufio"
	"net"
	"net/http"

	"github.com/berth/berth/internal/server/router"
	"github.com/moby/moby/api/types/common"
)

// writeError answers with Docker's error body, {"message": "..."}.
func writeError(w http.ResponseWriter, status int, msg string) {
	_ = router.WriteJSON(w, status, &common.ErrorResponse{Message: msg})
}

// responseWriter notes whether the handler started its response, after
// which an error can no longer change the status. It passes flushing and
// hijacking (attach, exec) through.
type responseWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *responseWriter) WriteHeader(status int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

func (w *responseWriter) Flush() {
	w.wrote = true
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.wrote = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
