package image

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type searchOptions struct {
	filter  command.FilterOpt
	format  string
	limit   int
	noTrunc bool
}

// NewSearchCommand returns `search`: the registry's search index, through
// the daemon as docker does.
func NewSearchCommand(cli *command.Cli) *cobra.Command {
	var opts searchOptions
	cmd := &cobra.Command{
		Use:   "search [OPTIONS] TERM",
		Short: "Search Docker Hub for images",
		Args:  command.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSearch(cmd, cli, opts, args[0])
		},
	}
	flags := cmd.Flags()
	flags.VarP(&opts.filter, "filter", "f", "Filter output based on conditions provided")
	flags.StringVar(&opts.format, "format", "", "Pretty-print search using a Go template")
	flags.IntVar(&opts.limit, "limit", 0, "Max number of search results")
	flags.BoolVar(&opts.noTrunc, "no-trunc", false, "Don't truncate output")
	return cmd
}

func runSearch(cmd *cobra.Command, cli *command.Cli, opts searchOptions, term string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.ImageSearch(cmd.Context(), term, client.ImageSearchOptions{Filters: opts.filter.Value(), Limit: opts.limit})
	if err != nil {
		return err
	}
	source := opts.format
	if source == "" || source == format.TableKey {
		source = format.SearchTable
	}
	ctx := format.Context{Output: cli.Out(), Format: source}
	return ctx.Write(format.SearchHeader, format.SearchRows(res.Items, !opts.noTrunc))
}
