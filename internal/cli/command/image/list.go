package image

import (
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type listOptions struct {
	match   string
	quiet   bool
	all     bool
	noTrunc bool
	digests bool
	format  string
	filter  command.FilterOpt
}

// NewImagesCommand returns `images` (also `image ls`).
func NewImagesCommand(cli *command.Cli) *cobra.Command {
	var opts listOptions
	cmd := &cobra.Command{
		Use:   "images [OPTIONS] [REPOSITORY[:TAG]]",
		Short: "List images",
		Args:  command.RequiresMaxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.match = args[0]
			}
			return runList(cmd, cli, opts)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.quiet, "quiet", "q", false, "Only show image IDs")
	flags.BoolVarP(&opts.all, "all", "a", false, "Show all images (default hides intermediate images)")
	flags.BoolVar(&opts.noTrunc, "no-trunc", false, "Don't truncate output")
	flags.BoolVar(&opts.digests, "digests", false, "Show digests")
	flags.StringVar(&opts.format, "format", "", command.FormatHelp)
	flags.VarP(&opts.filter, "filter", "f", "Filter output based on conditions provided")
	return cmd
}

func runList(cmd *cobra.Command, cli *command.Cli, opts listOptions) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	filters := opts.filter.Value()
	if opts.match != "" {
		filters.Add("reference", opts.match)
	}
	res, err := api.ImageList(cmd.Context(), client.ImageListOptions{All: opts.all, Filters: filters})
	if err != nil {
		return err
	}
	source := opts.format
	if source == "" {
		source = format.TableKey
	}
	f := format.ImageFormat(source, opts.quiet, opts.digests)
	needDigest := opts.digests || contains(f, "{{.Digest}}")
	rows := format.ImageRows(res.Items, !opts.noTrunc, opts.digests, needDigest)
	if err := (format.Context{Output: cli.Out(), Format: f}).Write(format.ImageHeader, rows); err != nil {
		return err
	}
	if opts.match != "" && len(res.Items) == 0 && cmd.CalledAs() == "images" {
		ambiguousHint(cli, opts.match)
	}
	return nil
}

// ambiguousHint helps someone who typed `images ls` for `image ls`.
func ambiguousHint(cli *command.Cli, match string) {
	switch match {
	case "build", "history", "import", "inspect", "list", "load", "ls", "prune", "pull", "push", "rm", "save", "tag":
		fmt.Fprintf(cli.Err(), "\nNo images found matching %q: did you mean \"%s image %s\"?\n", match, cli.Name(), match)
	}
}
