package container

import (
	"fmt"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	units "github.com/docker/go-units"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

const pruneWarning = "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?"

// NewPruneCommand returns `container prune`.
func NewPruneCommand(cli *command.Cli) *cobra.Command {
	var (
		force  bool
		filter command.FilterOpt
	)
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove all stopped containers",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !force && !command.Confirm(cli, pruneWarning) {
				return command.ErrCancelled
			}
			api, err := cli.Client()
			if err != nil {
				return err
			}
			res, err := api.ContainerPrune(cmd.Context(), client.ContainerPruneOptions{Filters: filter.Value()})
			if err != nil {
				return err
			}
			var reclaimed uint64
			if len(res.Report.ContainersDeleted) > 0 {
				var sb strings.Builder
				sb.WriteString("Deleted Containers:\n")
				for _, id := range res.Report.ContainersDeleted {
					sb.WriteString(id + "\n")
				}
				fmt.Fprintln(cli.Out(), sb.String())
				reclaimed = res.Report.SpaceReclaimed
			}
			fmt.Fprintln(cli.Out(), "Total reclaimed space:", units.HumanSize(float64(reclaimed)))
			return nil
		},
	}
	cmd.Flags().Var(&filter, "filter", `Provide filter values (e.g. "until=<timestamp>")`)
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	return cmd
}
