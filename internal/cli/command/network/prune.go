package network

import (
	"fmt"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

const pruneWarning = "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?"

type pruneOptions struct {
	force  bool
	filter command.FilterOpt
}

func newPruneCommand(cli *command.Cli) *cobra.Command {
	var o pruneOptions
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove all unused networks",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPrune(cmd, cli, o)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&o.force, "force", "f", false, "Do not prompt for confirmation")
	flags.Var(&o.filter, "filter", `Provide filter values (e.g. "until=<timestamp>")`)
	return cmd
}

func runPrune(cmd *cobra.Command, cli *command.Cli, o pruneOptions) error {
	if !o.force && !command.Confirm(cli, pruneWarning) {
		return command.ErrCancelled
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.NetworkPrune(cmd.Context(), client.NetworkPruneOptions{Filters: o.filter.Value()})
	if err != nil {
		return err
	}
	if deleted := res.Report.NetworksDeleted; len(deleted) > 0 {
		fmt.Fprintln(cli.Out(), "Deleted Networks:\n"+strings.Join(deleted, "\n")+"\n")
	}
	return nil
}
