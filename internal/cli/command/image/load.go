package image

import (
	"errors"
	"io"
	"os"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type loadOptions struct {
	input    string
	quiet    bool
	platform string
}

// NewLoadCommand returns `load` (also `image load`).
func NewLoadCommand(cli *command.Cli) *cobra.Command {
	var opts loadOptions
	cmd := &cobra.Command{
		Use:   "load [OPTIONS]",
		Short: "Load an image from a tar archive or STDIN",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLoad(cmd, cli, opts)
		},
	}
	flags := cmd.Flags()
	flags.StringVarP(&opts.input, "input", "i", "", "Read from tar archive file, instead of STDIN")
	flags.BoolVarP(&opts.quiet, "quiet", "q", false, "Suppress the load output")
	flags.StringVar(&opts.platform, "platform", "", `Load only the given platform variant. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")`)
	return cmd
}

func runLoad(cmd *cobra.Command, cli *command.Cli, opts loadOptions) error {
	var input io.Reader = cli.In()
	if opts.input == "" {
		if cli.InIsTerminal() {
			return errors.New("requested load from stdin, but stdin is empty")
		}
	} else {
		f, err := os.Open(opts.input)
		if err != nil {
			return err
		}
		defer f.Close()
		input = f
	}
	// Progress bars only make sense on a terminal; elsewhere ask the
	// daemon for the plain "Loaded image" lines, as docker does.
	lopts := []client.ImageLoadOption{client.ImageLoadWithQuiet(opts.quiet || !cli.OutIsTerminal())}
	if opts.platform != "" {
		p, err := command.ParsePlatform(opts.platform)
		if err != nil {
			return err
		}
		lopts = append(lopts, client.ImageLoadWithPlatforms(p))
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	body, err := api.ImageLoad(cmd.Context(), input, lopts...)
	if err != nil {
		return err
	}
	defer body.Close()
	return cli.DisplayProgress(body, cli.Out(), true, nil)
}
