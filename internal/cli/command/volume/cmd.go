// Package volume implements berth's volume commands: `berth volume
// create|ls|inspect|rm|prune`, with docker's flags and output.
package volume

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/cobra"
)

// NewVolumeCommand returns the `volume` management command.
func NewVolumeCommand(cli *command.Cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "volume COMMAND",
		Short: "Manage volumes",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.ErrOrStderr())
			return cmd.Help()
		},
	}
	cmd.AddCommand(
		newCreateCommand(cli),
		newListCommand(cli),
		NewInspectCommand(cli),
		newRemoveCommand(cli),
		newPruneCommand(cli),
	)
	return cmd
}
