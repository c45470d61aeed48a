package cli

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/command/container"
	"github.com/spf13/cobra"
)

// newInspectCommand returns the top-level `inspect`: without --type it
// tries a container, then an image, as docker does.
func newInspectCommand(c *command.Cli) *cobra.Command {
	var (
		tmpl, kind string
		size       bool
	)
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] NAME|ID [NAME|ID...]",
		Short: "Return low-level information on Docker objects",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return container.RunInspect(cmd, c, tmpl, size, kind, args)
		},
	}
	flags := cmd.Flags()
	flags.StringVarP(&tmpl, "format", "f", "", command.InspectFormatHelp)
	flags.BoolVarP(&size, "size", "s", false, "Display total file sizes if the type is container")
	flags.StringVar(&kind, "type", "", "Only inspect objects of the given type")
	return cmd
}
