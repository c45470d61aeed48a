package volume

import (
	"bytes"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/inspect"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// NewInspectCommand returns `volume inspect`.
func NewInspectCommand(cli *command.Cli) *cobra.Command {
	var tmpl string
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] VOLUME [VOLUME...]",
		Short: "Display detailed information on one or more volumes",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return RunInspect(cmd, cli, tmpl, args)
		},
	}
	cmd.Flags().StringVarP(&tmpl, "format", "f", "", command.InspectFormatHelp)
	return cmd
}

// RunInspect prints the named volumes as `volume inspect` does.
func RunInspect(cmd *cobra.Command, cli *command.Cli, tmpl string, names []string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	return inspect.Print(cli.Out(), names, tmpl, func(name string) (any, []byte, error) {
		res, err := api.VolumeInspect(cmd.Context(), name, client.VolumeInspectOptions{})
		if err != nil {
			return nil, nil, err
		}
		return res.Volume, bytes.TrimSpace(res.Raw), nil
	})
}
