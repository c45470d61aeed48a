package build

import (
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	units "github.com/docker/go-units"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

const warnBuildCache = "WARNING! This will remove all dangling build cache.\nAre you sure you want to continue?"

// NewBuilderCommand returns the `builder` management command.
func NewBuilderCommand(cli *command.Cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "builder",
		Short: "Manage builds",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.ErrOrStderr())
			return cmd.Help()
		},
	}
	build := NewBuildCommand(cli)
	cmd.AddCommand(build, newPruneCommand(cli), newDiskUsageCommand(cli))
	return cmd
}

type pruneOptions struct {
	force  bool
	all    bool
	filter command.FilterOpt
}

func newPruneCommand(cli *command.Cli) *cobra.Command {
	var opts pruneOptions
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove build cache",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !opts.force && !command.Confirm(cli, warnBuildCache) {
				return command.ErrCancelled
			}
			reclaimed, err := pruneCache(cmd, cli, opts.all, opts.filter)
			if err != nil {
				return err
			}
			fmt.Fprintln(cli.Out(), "Total reclaimed space:", units.HumanSize(float64(reclaimed)))
			return nil
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.all, "all", "a", false, "Remove all unused build cache, not just dangling ones")
	flags.BoolVarP(&opts.force, "force", "f", false, "Do not prompt for confirmation")
	flags.Var(&opts.filter, "filter", `Provide filter values (e.g. "until=24h")`)
	return cmd
}

// pruneCache empties the daemon's build cache, printing the records it
// deleted as docker does, and returns the bytes reclaimed.
func pruneCache(cmd *cobra.Command, cli *command.Cli, all bool, filter command.FilterOpt) (uint64, error) {
	api, err := cli.Client()
	if err != nil {
		return 0, err
	}
	res, err := api.BuildCachePrune(cmd.Context(), client.BuildCachePruneOptions{All: all, Filters: filter.Value()})
	if err != nil {
		return 0, err
	}
	if len(res.Report.CachesDeleted) > 0 {
		fmt.Fprintln(cli.Out(), "Deleted build cache objects:")
		for _, id := range res.Report.CachesDeleted {
			fmt.Fprintln(cli.Out(), id)
		}
		fmt.Fprintln(cli.Out())
	}
	return res.Report.SpaceReclaimed, nil
}
