package image

import (
	"errors"
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type removeOptions struct {
	force   bool
	noPrune bool
}

// NewRemoveCommand returns `rmi` (also `image rm`).
func NewRemoveCommand(cli *command.Cli) *cobra.Command {
	var opts removeOptions
	cmd := &cobra.Command{
		Use:   "rmi [OPTIONS] IMAGE [IMAGE...]",
		Short: "Remove one or more images",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRemove(cmd, cli, opts, args)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.force, "force", "f", false, "Force removal of the image")
	flags.BoolVar(&opts.noPrune, "no-prune", false, "Do not delete untagged parents")
	return cmd
}

// runRemove removes each image in turn; with --force, images that are
// merely missing are reported on stderr without failing the command.
func runRemove(cmd *cobra.Command, cli *command.Cli, opts removeOptions, images []string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	var errs []error
	fatal := false
	for _, name := range images {
		res, err := api.ImageRemove(cmd.Context(), name, client.ImageRemoveOptions{
			Force:         opts.force,
			PruneChildren: !opts.noPrune,
		})
		if err != nil {
			if !cerrdefs.IsNotFound(err) {
				fatal = true
			}
			errs = append(errs, err)
			continue
		}
		for _, d := range res.Items {
			if d.Deleted != "" {
				fmt.Fprintln(cli.Out(), "Deleted:", d.Deleted)
			} else {
				fmt.Fprintln(cli.Out(), "Untagged:", d.Untagged)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		if !opts.force || fatal {
			return err
		}
		fmt.Fprintln(cli.Err(), err)
	}
	return nil
}
