// Package network implements berth's network commands: `berth network
// create|ls|inspect|rm|connect|disconnect|prune`, with docker's flags and
// output.
package network

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/cobra"
)

// NewNetworkCommand returns the `network` management command.
func NewNetworkCommand(cli *command.Cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "network",
		Short: "Manage networks",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.ErrOrStderr())
			return cmd.Help()
		},
	}
	cmd.AddCommand(
		newConnectCommand(cli),
		newCreateCommand(cli),
		newDisconnectCommand(cli),
		NewInspectCommand(cli),
		newListCommand(cli),
		newPruneCommand(cli),
		newRemoveCommand(cli),
	)
	return cmd
}
