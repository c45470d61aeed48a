// Package inspect prints API objects for the inspect commands: as an
// indented JSON array by default, compact JSON with "json", or through a Go
// template once per object.
package inspect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/template"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
)

// GetFunc fetches one object by reference: its typed value and, when
// available, the daemon's raw JSON.
type GetFunc func(ref string) (any, []byte, error)

// Print fetches every reference and prints what it found. Lookup errors
// are collected and returned together (exit status 1) after the objects
// that were found have been printed.
func Print(out io.Writer, refs []string, tmplText string, get GetFunc) error {
	var tmpl *template.Template
	if tmplText != "" && tmplText != format.JSONKey {
		t, err := format.Parse(tmplText)
		if err != nil {
			return command.StatusError{Status: err.Error(), Code: 64}
		}
		tmpl = t
	}
	var (
		errs []error
		raws [][]byte
		buf  bytes.Buffer
	)
	for _, ref := range refs {
		v, raw, err := get(ref)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if tmpl == nil {
			if raw == nil {
				if raw, err = json.Marshal(v); err != nil {
					errs = append(errs, err)
					continue
				}
			}
			raws = append(raws, raw)
			continue
		}
		if err := execute(&buf, tmpl, v, raw); err != nil {
			errs = append(errs, err)
		}
	}
	if tmpl == nil {
		writeJSON(out, raws, tmplText == format.JSONKey)
	} else if buf.Len() == 0 {
		_, _ = io.WriteString(out, "\n")
	} else {
		_, _ = buf.WriteTo(out)
	}
	if err := errors.Join(errs...); err != nil {
		return command.StatusError{Status: err.Error(), Code: 1}
	}
	return nil
}

// execute renders one object. A template naming a field the typed value
// lacks is retried against the raw JSON, so that fields newer than our
// types still work.
func execute(buf *bytes.Buffer, tmpl *template.Template, v any, raw []byte) error {
	var one bytes.Buffer
	if err := tmpl.Execute(&one, v); err != nil {
		if raw == nil {
			return fmt.Errorf("template parsing error: %w", err)
		}
		var generic any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&generic); err != nil {
			return fmt.Errorf("unable to read inspect data: %w", err)
		}
		one.Reset()
		if err := tmpl.Option("missingkey=error").Execute(&one, generic); err != nil {
			return fmt.Errorf("template parsing error: %w", err)
		}
	}
	buf.Write(one.Bytes())
	buf.WriteByte('\n')
	return nil
}

func writeJSON(out io.Writer, raws [][]byte, compact bool) {
	if len(raws) == 0 {
		_, _ = io.WriteString(out, "[]\n")
		return
	}
	var list bytes.Buffer
	list.WriteByte('[')
	for i, r := range raws {
		if i > 0 {
			list.WriteByte(',')
		}
		list.Write(r)
	}
	list.WriteByte(']')
	var pretty bytes.Buffer
	var err error
	if compact {
		err = json.Compact(&pretty, list.Bytes())
	} else {
		err = json.Indent(&pretty, list.Bytes(), "", "    ")
	}
	if err != nil {
		pretty.Reset()
		pretty.Write(list.Bytes())
	}
	_, _ = pretty.WriteTo(out)
	_, _ = io.WriteString(out, "\n")
}
