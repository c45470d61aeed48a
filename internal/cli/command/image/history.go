package image

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type historyOptions struct {
	human    bool
	quiet    bool
	noTrunc  bool
	format   string
	platform string
}

// NewHistoryCommand returns `history` (also `image history`).
func NewHistoryCommand(cli *command.Cli) *cobra.Command {
	var opts historyOptions
	cmd := &cobra.Command{
		Use:   "history [OPTIONS] IMAGE",
		Short: "Show the history of an image",
		Args:  command.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHistory(cmd, cli, opts, args[0])
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.human, "human", "H", true, "Print sizes and dates in human readable format")
	flags.BoolVarP(&opts.quiet, "quiet", "q", false, "Only show image IDs")
	flags.BoolVar(&opts.noTrunc, "no-trunc", false, "Don't truncate output")
	flags.StringVar(&opts.format, "format", "", command.FormatHelp)
	flags.StringVar(&opts.platform, "platform", "", `Show history for the given platform. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")`)
	return cmd
}

func runHistory(cmd *cobra.Command, cli *command.Cli, opts historyOptions, name string) error {
	var hopts []client.ImageHistoryOption
	if opts.platform != "" {
		p, err := command.ParsePlatform(opts.platform)
		if err != nil {
			return err
		}
		hopts = append(hopts, client.ImageHistoryWithPlatform(p))
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.ImageHistory(cmd.Context(), name, hopts...)
	if err != nil {
		return err
	}
	source := opts.format
	if source == "" {
		source = format.TableKey
	}
	ctx := format.Context{Output: cli.Out(), Format: format.HistoryFormat(source, opts.quiet, opts.human)}
	return ctx.Write(format.HistoryHeader, format.HistoryRows(res.Items, !opts.noTrunc, opts.human))
}
