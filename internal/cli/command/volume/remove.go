package volume

import (
	"errors"
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

func newRemoveCommand(cli *command.Cli) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "rm [OPTIONS] VOLUME [VOLUME...]",
		Aliases: []string{"remove"},
		Short:   "Remove one or more volumes",
		Args:    command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			api, err := cli.Client()
			if err != nil {
				return err
			}
			var errs []error
			for _, name := range args {
				if _, err := api.VolumeRemove(cmd.Context(), name, client.VolumeRemoveOptions{Force: force}); err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintln(cli.Out(), name)
			}
			return errors.Join(errs...)
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Force the removal of one or more volumes")
	return cmd
}
