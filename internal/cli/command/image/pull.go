package image

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/command/registry"
	"github.com/distribution/reference"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/jsonmessage"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/spf13/cobra"
)

type pullOptions struct {
	quiet    bool
	all      bool
	platform string
}

// NewPullCommand returns `pull` (also `image pull`).
func NewPullCommand(cli *command.Cli) *cobra.Command {
	var opts pullOptions
	cmd := &cobra.Command{
		Use:   "pull [OPTIONS] NAME[:TAG|@DIGEST]",
		Short: "Download an image from a registry",
		Args:  command.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPull(cmd, cli, args[0], opts)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.all, "all-tags", "a", false, "Download all tagged images in the repository")
	flags.BoolVarP(&opts.quiet, "quiet", "q", false, "Suppress verbose output")
	flags.StringVar(&opts.platform, "platform", os.Getenv("DOCKER_DEFAULT_PLATFORM"), "Set platform if server is multi-platform capable")
	return cmd
}

func runPull(cmd *cobra.Command, cli *command.Cli, name string, opts pullOptions) error {
	if opts.all {
		return errors.New("pulling all tags (--all-tags) is not supported")
	}
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return err
	}
	if reference.IsNameOnly(named) {
		named = reference.TagNameOnly(named)
		if !opts.quiet {
			fmt.Fprintln(cli.Out(), "Using default tag: latest")
		}
	}
	auth, err := registry.EncodedAuth(name)
	if err != nil {
		return err
	}
	popts := client.ImagePullOptions{RegistryAuth: auth}
	if opts.platform != "" {
		p, err := command.ParsePlatform(opts.platform)
		if err != nil {
			return err
		}
		popts.Platforms = []ocispec.Platform{p}
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	body, err := api.ImagePull(cmd.Context(), reference.FamiliarString(named), popts)
	if err != nil {
		return err
	}
	defer body.Close()
	if err := displayProgress(cli, body, opts.quiet); err != nil {
		return err
	}
	fmt.Fprintln(cli.Out(), named.String())
	return nil
}

// displayProgress renders a pull or push stream: bars on a terminal, plain
// lines otherwise, nothing but errors when quiet.
func displayProgress(cli *command.Cli, body io.Reader, quiet bool) error {
	if quiet {
		return jsonmessage.DisplayJSONMessagesStream(body, io.Discard, 0, false, nil)
	}
	return cli.DisplayProgress(body, cli.Out(), true, nil)
}
