package image

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	units "github.com/docker/go-units"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

const (
	warnAll      = "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?"
	warnDangling = "WARNING! This will remove all dangling images.\nAre you sure you want to continue?"
)

type pruneOptions struct {
	force  bool
	all    bool
	filter command.FilterOpt
}

// NewPruneCommand returns `image prune`.
func NewPruneCommand(cli *command.Cli) *cobra.Command {
	var opts pruneOptions
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove unused images",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPrune(cmd, cli, opts)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.force, "force", "f", false, "Do not prompt for confirmation")
	flags.BoolVarP(&opts.all, "all", "a", false, "Remove all unused images, not just dangling ones")
	flags.Var(&opts.filter, "filter", `Provide filter values (e.g. "until=<timestamp>")`)
	return cmd
}

func runPrune(cmd *cobra.Command, cli *command.Cli, opts pruneOptions) error {
	filters := opts.filter.Value()
	filters.Add("dangling", strconv.FormatBool(!opts.all))
	if !opts.force {
		warning := warnDangling
		if opts.all {
			warning = warnAll
		}
		if !command.Confirm(cli, warning) {
			return command.ErrCancelled
		}
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.ImagePrune(cmd.Context(), client.ImagePruneOptions{Filters: filters})
	if err != nil {
		return err
	}
	var reclaimed uint64
	if len(res.Report.ImagesDeleted) > 0 {
		var sb strings.Builder
		sb.WriteString("Deleted Images:\n")
		for _, d := range res.Report.ImagesDeleted {
			if d.Untagged != "" {
				sb.WriteString("untagged: " + d.Untagged + "\n")
			} else {
				sb.WriteString("deleted: " + d.Deleted + "\n")
			}
		}
		fmt.Fprintln(cli.Out(), sb.String())
		reclaimed = res.Report.SpaceReclaimed
	}
	fmt.Fprintln(cli.Out(), "Total reclaimed space:", units.HumanSize(float64(reclaimed)))
	return nil
}
