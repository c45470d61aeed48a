package command

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/moby/moby/api/types/jsonstream"
)

// streamMessage is one line of a daemon's JSON stream. Older daemons put
// the error text in "error" only, so read that too.
type streamMessage struct {
	jsonstream.Message
	ErrorText string `json:"error,omitempty"`
}

// DisplayStream prints a daemon's JSON message stream (load, import) the
// way docker does when its output is not a terminal: status and stream
// lines as they come, progress updates left out, and the stream's error,
// if any, returned. Aux messages carry data for programs and are skipped.
func (c *Cli) DisplayStream(body io.Reader) error {
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
			continue
		case m.Progress != nil && (m.Progress.Current > 0 || m.Progress.Total > 0):
			continue
		}
		if m.ID != "" {
			fmt.Fprintf(c.out, "%s: ", m.ID)
		}
		if m.Stream != "" {
			fmt.Fprint(c.out, m.Stream)
		} else {
			fmt.Fprintln(c.out, m.Status)
		}
	}
}
