package volume

import (
	"fmt"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type createOptions struct {
	name   string
	driver string
	opts   []string
	labels []string
}

func newCreateCommand(cli *command.Cli) *cobra.Command {
	var o createOptions
	cmd := &cobra.Command{
		Use:   "create [OPTIONS] [VOLUME]",
		Short: "Create a volume",
		Args:  command.RequiresMaxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if o.name != "" {
					return fmt.Errorf("conflicting options: cannot specify a volume-name through both --name and as a positional arg")
				}
				o.name = args[0]
			}
			return runCreate(cmd, cli, o)
		},
	}
	flags := cmd.Flags()
	flags.StringVarP(&o.driver, "driver", "d", "local", "Specify volume driver name")
	flags.StringVar(&o.name, "name", "", "Specify volume name")
	flags.MarkHidden("name")
	flags.StringArrayVarP(&o.opts, "opt", "o", nil, "Set driver specific options")
	flags.StringArrayVar(&o.labels, "label", nil, "Set metadata for a volume")
	return cmd
}

func runCreate(cmd *cobra.Command, cli *command.Cli, o createOptions) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.VolumeCreate(cmd.Context(), client.VolumeCreateOptions{
		Name: o.name, Driver: o.driver, DriverOpts: keyValues(o.opts), Labels: keyValues(o.labels),
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(cli.Out(), res.Volume.Name)
	return nil
}

// keyValues reads key=value flags; a bare key has an empty value.
func keyValues(pairs []string) map[string]string {
	if len(pairs) == 0 {
		return nil
	}
	m := make(map[string]string, len(pairs))
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return m
}
