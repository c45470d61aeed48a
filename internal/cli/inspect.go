package cli

import (
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/command/image"
	"github.com/spf13/cobra"
)

// newInspectCommand returns the top-level `inspect`. Only images exist in
// berth's CLI so far, so it inspects images whatever --type says.
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
			if kind != "" && kind != "image" {
				return fmt.Errorf("berth inspect: --type=%s is not supported yet; only images can be inspected", kind)
			}
			return image.RunInspect(cmd, c, tmpl, args)
		},
	}
	flags := cmd.Flags()
	flags.StringVarP(&tmpl, "format", "f", "", command.InspectFormatHelp)
	flags.BoolVarP(&size, "size", "s", false, "Display total file sizes if the type is container")
	flags.StringVar(&kind, "type", "", "Only inspect objects of the given type")
	return cmd
}
