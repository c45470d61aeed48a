package command

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client/pkg/jsonmessage"
)

// streamMessage is one line of a daemon's JSON stream. Older daemons put
// the error text in "error" only, so read that too.
type streamMessage struct {
	jsonstream.Message
	ErrorText string `json:"error,omitempty"`
}

// DisplayProgress renders a pull, push, load or build stream on out as
// docker does. With tty set and out a terminal, it goes through docker's
// jsonmessage renderer: one line per layer, whose progress bar is redrawn
// in place. Otherwise it prints plain lines (see DisplayStream). aux, when
// not nil, receives the stream's aux messages (build's image ID).
func (c *Cli) DisplayProgress(body io.Reader, out io.Writer, tty bool, aux func(jsonstream.Message)) error {
	if f, ok := out.(interface{ Fd() uintptr }); ok && tty && isTerminal(out) {
		return jsonmessage.DisplayJSONMessagesStream(body, out, f.Fd(), true, aux)
	}
	return displayPlain(body, out, aux)
}

// DisplayStream prints a daemon's JSON message stream (load, import) the
// way docker does when its output is not a terminal: status and stream
// lines as they come, progress updates left out, and the stream's error,
// if any, returned. Aux messages carry data for programs and are skipped.
func (c *Cli) DisplayStream(body io.Reader) error {
	return displayPlain(body, c.out, nil)
}

func displayPlain(body io.Reader, out io.Writer, aux func(jsonstream.Message)) error {
	dec := json.NewDecoder(body)
	for {
		var m streamMessage
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case m.Error != nil:
			return m.Error
		case m.ErrorText != "":
			return errors.New(m.ErrorText)
		case m.Aux != nil:
			if aux != nil {
				aux(m.Message)
			}
			continue
		case m.Progress != nil && (m.Progress.Current > 0 || m.Progress.Total > 0):
			continue
		}
		if m.ID != "" {
			fmt.Fprintf(out, "%s: ", m.ID)
		}
		if m.Stream != "" {
			fmt.Fprint(out, m.Stream)
		} else {
			fmt.Fprintln(out, m.Status)
		}
	}
}
