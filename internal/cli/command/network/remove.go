package network

import (
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

func newRemoveCommand(cli *command.Cli) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "rm NETWORK [NETWORK...]",
		Aliases: []string{"remove"},
		Short:   "Remove one or more networks",
		Args:    command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRemove(cmd, cli, force, args)
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not error if the network does not exist")
	return cmd
}

// runRemove removes each network in turn. Like docker, it reports each
// failure on stderr as it happens and exits 1 at the end, saying only "exit status 1".
func runRemove(cmd *cobra.Command, cli *command.Cli, force bool, names []string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	failed := false
	for _, name := range names {
		if _, err := api.NetworkRemove(cmd.Context(), name, client.NetworkRemoveOptions{}); err != nil {
			if force && errdefs.IsNotFound(err) {
				continue
			}
			fmt.Fprintln(cli.Err(), err)
			failed = true
			continue
		}
		fmt.Fprintln(cli.Out(), name)
	}
	if failed {
		return command.StatusError{Status: "exit status 1", Code: 1}
	}
	return nil
}
