package image

import (
	"os"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type importOptions struct {
	changes  command.ListOpt
	message  string
	platform string
}

// NewImportCommand returns `import` (also `image import`).
func NewImportCommand(cli *command.Cli) *cobra.Command {
	var opts importOptions
	cmd := &cobra.Command{
		Use:   "import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
		Short: "Import the contents from a tarball to create a filesystem image",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := ""
			if len(args) > 1 {
				ref = args[1]
			}
			return runImport(cmd, cli, opts, args[0], ref)
		},
	}
	flags := cmd.Flags()
	flags.VarP(&opts.changes, "change", "c", "Apply Dockerfile instruction to the created image")
	flags.StringVarP(&opts.message, "message", "m", "", "Set commit message for imported image")
	flags.StringVar(&opts.platform, "platform", os.Getenv("DOCKER_DEFAULT_PLATFORM"), "Set platform if server is multi-platform capable")
	return cmd
}

// runImport sends a local file or stdin ("-") to the daemon, or lets the
// daemon fetch an http(s) URL itself, and prints the new image's ID.
func runImport(cmd *cobra.Command, cli *command.Cli, opts importOptions, src, ref string) error {
	var source client.ImageImportSource
	switch {
	case src == "-":
		source = client.ImageImportSource{Source: cli.In(), SourceName: "-"}
	case strings.HasPrefix(src, "https://"), strings.HasPrefix(src, "http://"):
		source = client.ImageImportSource{SourceName: src}
	default:
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		source = client.ImageImportSource{Source: f, SourceName: "-"}
	}
	iopts := client.ImageImportOptions{Message: opts.message, Changes: opts.changes.Values()}
	if opts.platform != "" {
		p, err := command.ParsePlatform(opts.platform)
		if err != nil {
			return err
		}
		iopts.Platform = p
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	body, err := api.ImageImport(cmd.Context(), source, ref, iopts)
	if err != nil {
		return err
	}
	defer body.Close()
	return cli.DisplayStream(body)
}
