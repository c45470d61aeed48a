package system

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/cobra"
)

// NewSystemCommand returns the `system` management command.
func NewSystemCommand(cli *command.Cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "system",
		Short: "Manage Berth",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Docker prints a bare group's help on stderr.
			cmd.SetOut(cmd.ErrOrStderr())
			return cmd.Help()
		},
	}
	cmd.AddCommand(NewDiskUsageCommand(cli), NewInfoCommand(cli), NewEventsCommand(cli), NewCheckCommand(cli), NewPruneCommand(cli))
	return cmd
}
