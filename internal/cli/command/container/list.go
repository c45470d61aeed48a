package container

import (
	"errors"
	"fmt"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type psOptions struct {
	quiet, all, size, noTrunc, latest bool
	last                              int
	format                            string
	filter                            command.FilterOpt
}

// NewPsCommand returns `ps` (also `container ls`).
func NewPsCommand(cli *command.Cli) *cobra.Command {
	var opts psOptions
	cmd := &cobra.Command{
		Use:   "ps [OPTIONS]",
		Short: "List containers",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPs(cmd, cli, opts)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.all, "all", "a", false, "Show all containers (default shows just running)")
	flags.VarP(&opts.filter, "filter", "f", "Filter output based on conditions provided")
	flags.StringVar(&opts.format, "format", "", command.FormatHelp)
	flags.IntVarP(&opts.last, "last", "n", -1, "Show n last created containers (includes all states)")
	flags.BoolVarP(&opts.latest, "latest", "l", false, "Show the latest created container (includes all states)")
	flags.BoolVar(&opts.noTrunc, "no-trunc", false, "Don't truncate output")
	flags.BoolVarP(&opts.quiet, "quiet", "q", false, "Only display container IDs")
	flags.BoolVarP(&opts.size, "size", "s", false, "Display total file sizes")
	return cmd
}

func runPs(cmd *cobra.Command, cli *command.Cli, opts psOptions) error {
	f := opts.format
	switch {
	case opts.quiet && (f == "" || f == format.TableKey):
		f = format.QuietFormat
	case f == "" || f == format.TableKey:
		f = psTable
		if opts.size {
			f = psTableSize
		}
	}
	// docker reads the template before asking for the list (to know
	// whether it needs sizes), and words a bad one its own way.
	if _, err := format.Parse(strings.TrimPrefix(f, format.TableKey)); err != nil && f != format.JSONKey {
		return fmt.Errorf("failed to parse template: %w", errors.Unwrap(err))
	}
	list := client.ContainerListOptions{
		All: opts.all, Limit: opts.last, Size: opts.size || strings.Contains(f, ".Size"),
		Filters: opts.filter.Value(),
	}
	if opts.latest && opts.last == -1 {
		list.Limit = 1
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.ContainerList(cmd.Context(), list)
	if err != nil {
		return err
	}
	rows := make([]any, len(res.Items))
	for i, c := range res.Items {
		rows[i] = &psRow{trunc: !opts.noTrunc, c: c}
	}
	return format.Context{Output: cli.Out(), Format: f}.Write(psHeader, rows)
}
