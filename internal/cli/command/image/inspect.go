package image

import (
	"bytes"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/inspect"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type inspectOptions struct {
	format string
}

// NewInspectCommand returns `image inspect`.
func NewInspectCommand(cli *command.Cli) *cobra.Command {
	var opts inspectOptions
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] IMAGE [IMAGE...]",
		Short: "Display detailed information on one or more images",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return RunInspect(cmd, cli, opts.format, args)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "", command.InspectFormatHelp)
	return cmd
}

// RunInspect prints the named images as `image inspect` does; the top-level
// `inspect` command uses it too.
func RunInspect(cmd *cobra.Command, cli *command.Cli, tmpl string, refs []string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	return inspect.Print(cli.Out(), refs, tmpl, func(ref string) (any, []byte, error) {
		var raw bytes.Buffer
		res, err := api.ImageInspect(cmd.Context(), ref, client.ImageInspectWithRawResponse(&raw))
		if err != nil {
			return nil, nil, err
		}
		return res.InspectResponse, raw.Bytes(), nil
	})
}
