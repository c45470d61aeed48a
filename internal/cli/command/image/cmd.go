// Package image implements berth's image commands (`berth image ...` and
// their top-level shortcuts such as `berth images` and `berth rmi`).
package image

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/cobra"
)

// NewImageCommand returns the `image` management command and its subcommands.
func NewImageCommand(cli *command.Cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Manage images",
		Args:  command.NoArgs,
		RunE:  showHelp,
	}
	ls := NewImagesCommand(cli)
	ls.Use = "ls [OPTIONS] [REPOSITORY[:TAG]]"
	ls.Aliases = []string{"list"}
	rm := NewRemoveCommand(cli)
	rm.Use = "rm [OPTIONS] IMAGE [IMAGE...]"
	rm.Aliases = []string{"remove", "rmi"}
	cmd.AddCommand(
		ls,
		rm,
		NewInspectCommand(cli),
		NewPruneCommand(cli),
		NewTagCommand(cli),
		NewHistoryCommand(cli),
		NewImportCommand(cli),
		NewLoadCommand(cli),
		NewSaveCommand(cli),
		NewPullCommand(cli),
		NewPushCommand(cli),
		NewSearchCommand(cli),
	)
	return cmd
}

// showHelp prints a group's help to stderr, as docker does when a
// management command is given no subcommand.
func showHelp(cmd *cobra.Command, _ []string) error {
	cmd.SetOut(cmd.ErrOrStderr())
	return cmd.Help()
}
