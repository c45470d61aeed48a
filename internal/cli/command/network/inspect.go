package network

import (
	"bytes"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/inspect"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// NewInspectCommand returns `network inspect`.
func NewInspectCommand(cli *command.Cli) *cobra.Command {
	var (
		tmpl    string
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] NETWORK [NETWORK...]",
		Short: "Display detailed information on one or more networks",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return RunInspect(cmd, cli, tmpl, verbose, args)
		},
	}
	cmd.Flags().StringVarP(&tmpl, "format", "f", "", command.InspectFormatHelp)
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "Verbose output for diagnostics")
	return cmd
}

// RunInspect prints the named networks as `network inspect` does.
func RunInspect(cmd *cobra.Command, cli *command.Cli, tmpl string, verbose bool, names []string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	return inspect.Print(cli.Out(), names, tmpl, func(name string) (any, []byte, error) {
		res, err := api.NetworkInspect(cmd.Context(), name, client.NetworkInspectOptions{Verbose: verbose})
		if err != nil {
			return nil, nil, err
		}
		return res.Network, bytes.TrimSpace(res.Raw), nil
	})
}
