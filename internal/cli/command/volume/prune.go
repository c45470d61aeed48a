package volume

import (
	"fmt"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	units "github.com/docker/go-units"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

const (
	warnAnonymous = "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?"
	warnAll       = "WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?"
)

type pruneOptions struct {
	all    bool
	force  bool
	filter command.FilterOpt
}

func newPruneCommand(cli *command.Cli) *cobra.Command {
	var o pruneOptions
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove unused local volumes",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPrune(cmd, cli, o)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&o.all, "all", "a", false, "Remove all unused volumes, not just anonymous ones")
	flags.BoolVarP(&o.force, "force", "f", false, "Do not prompt for confirmation")
	flags.Var(&o.filter, "filter", `Provide filter values (e.g. "label=<label>")`)
	return cmd
}

func runPrune(cmd *cobra.Command, cli *command.Cli, o pruneOptions) error {
	filters := o.filter.Value()
	if o.all {
		filters.Add("all", "true")
	}
	if !o.force {
		warning := warnAnonymous
		if o.all {
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
	res, err := api.VolumePrune(cmd.Context(), client.VolumePruneOptions{Filters: filters})
	if err != nil {
		return err
	}
	if len(res.Report.VolumesDeleted) > 0 {
		var sb strings.Builder
		sb.WriteString("Deleted Volumes:\n")
		for _, v := range res.Report.VolumesDeleted {
			sb.WriteString(v + "\n")
		}
		fmt.Fprintln(cli.Out(), sb.String())
	}
	fmt.Fprintln(cli.Out(), "Total reclaimed space:", units.HumanSize(float64(res.Report.SpaceReclaimed)))
	return nil
}
