package system

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type eventsOptions struct {
	since, until string
	filter       command.FilterOpt
	format       string
}

// NewEventsCommand returns `events` (also `system events`).
func NewEventsCommand(cli *command.Cli) *cobra.Command {
	var opts eventsOptions
	cmd := &cobra.Command{
		Use:   "events [OPTIONS]",
		Short: "Get real time events from the server",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEvents(cmd, cli, opts)
		},
	}
	flags := cmd.Flags()
	flags.StringVar(&opts.since, "since", "", "Show all events created since timestamp")
	flags.StringVar(&opts.until, "until", "", "Stream events until this timestamp")
	flags.VarP(&opts.filter, "filter", "f", "Filter output based on conditions provided")
	flags.StringVar(&opts.format, "format", "", command.InspectFormatHelp)
	return cmd
}

func runEvents(cmd *cobra.Command, cli *command.Cli, opts eventsOptions) error {
	tmpl, err := eventTemplate(opts.format)
	if err != nil {
		return command.StatusError{Status: "Error parsing format: " + err.Error(), Code: 64}
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	res := api.Events(ctx, client.EventsListOptions{Since: opts.since, Until: opts.until, Filters: opts.filter.Value()})
	for {
		select {
		case m := <-res.Messages:
			if err := printEvent(cli.Out(), m, tmpl); err != nil {
				return err
			}
		case err := <-res.Err:
			if err == nil || errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

func eventTemplate(text string) (*template.Template, error) {
	switch text {
	case "":
		return nil, nil
	case format.JSONKey:
		text = "{{json .}}"
	}
	tmpl, err := format.New("").Parse(text)
	if err != nil {
		return nil, err
	}
	return tmpl, tmpl.Execute(io.Discard, &events.Message{})
}

// rfc3339NanoFixed keeps every timestamp the same width, as docker's does.
const rfc3339NanoFixed = "2006-01-02T15:04:05.000000000Z07:00"

func printEvent(out io.Writer, m events.Message, tmpl *template.Template) error {
	if tmpl != nil {
		// Docker ends the line even when the template fails half-way.
		defer fmt.Fprintln(out)
		return tmpl.Execute(out, &m)
	}
	switch {
	case m.TimeNano != 0:
		fmt.Fprintf(out, "%s ", time.Unix(0, m.TimeNano).Format(rfc3339NanoFixed))
	case m.Time != 0:
		fmt.Fprintf(out, "%s ", time.Unix(m.Time, 0).Format(rfc3339NanoFixed))
	}
	fmt.Fprintf(out, "%s %s %s", m.Type, m.Action, m.Actor.ID)
	if len(m.Actor.Attributes) > 0 {
		keys := make([]string, 0, len(m.Actor.Attributes))
		for k := range m.Actor.Attributes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		attrs := make([]string, 0, len(keys))
		for _, k := range keys {
			attrs = append(attrs, k+"="+m.Actor.Attributes[k])
		}
		fmt.Fprintf(out, " (%s)", strings.Join(attrs, ", "))
	}
	_, err := fmt.Fprint(out, "\n")
	return err
}
