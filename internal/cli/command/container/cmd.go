// Package container implements berth's container commands: `berth
// container ...` and their top-level shortcuts (run, ps, exec, logs, ...),
// each turning docker's flags into one or a few Engine API calls.
package container

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/cobra"
)

// NewContainerCommand returns the `container` management command.
func NewContainerCommand(cli *command.Cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "container",
		Short: "Manage containers",
		Args:  command.NoArgs,
		RunE:  showHelp,
	}
	ls := NewPsCommand(cli)
	ls.Use = "ls [OPTIONS]"
	ls.Aliases = []string{"ps", "list"}
	rm := NewRmCommand(cli)
	rm.Aliases = []string{"remove"}
	cmd.AddCommand(append(shared(cli), ls, rm, NewInspectCommand(cli), NewPruneCommand(cli))...)
	return cmd
}

// NewTopLevelCommands returns the shortcuts docker keeps at the top level
// (`berth run`, `berth ps`, ...).
func NewTopLevelCommands(cli *command.Cli) []*cobra.Command {
	return append(shared(cli), NewPsCommand(cli), NewRmCommand(cli))
}

// shared lists the commands that exist both under `container` and at the top.
func shared(cli *command.Cli) []*cobra.Command {
	return []*cobra.Command{
		NewRunCommand(cli),
		NewCreateCommand(cli),
		NewStartCommand(cli),
		NewStopCommand(cli),
		NewKillCommand(cli),
		NewRestartCommand(cli),
		NewPauseCommand(cli),
		NewUnpauseCommand(cli),
		NewRenameCommand(cli),
		NewWaitCommand(cli),
		NewAttachCommand(cli),
		NewExecCommand(cli),
		NewLogsCommand(cli),
		NewDiffCommand(cli),
		NewCommitCommand(cli),
		NewExportCommand(cli),
		NewCpCommand(cli),
		NewTopCommand(cli),
		NewStatsCommand(cli),
		NewPortCommand(cli),
		NewUpdateCommand(cli),
	}
}

// showHelp prints a group's help to stderr, as docker does when a
// management command is given no subcommand.
func showHelp(cmd *cobra.Command, _ []string) error {
	cmd.SetOut(cmd.ErrOrStderr())
	return cmd.Help()
}
