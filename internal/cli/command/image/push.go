package image

import (
	"errors"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/command/registry"
	"github.com/distribution/reference"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type pushOptions struct {
	all   bool
	quiet bool
}

// NewPushCommand returns `push` (also `image push`).
func NewPushCommand(cli *command.Cli) *cobra.Command {
	var opts pushOptions
	cmd := &cobra.Command{
		Use:   "push [OPTIONS] NAME[:TAG]",
		Short: "Upload an image to a registry",
		Args:  command.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPush(cmd, cli, args[0], opts)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.all, "all-tags", "a", false, "Push all tags of an image to the repository")
	flags.BoolVarP(&opts.quiet, "quiet", "q", false, "Suppress verbose output")
	return cmd
}

func runPush(cmd *cobra.Command, cli *command.Cli, name string, opts pushOptions) error {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return err
	}
	if opts.all && !reference.IsNameOnly(named) {
		return errors.New("tag can't be used with --all-tags/-a")
	}
	auth, err := registry.EncodedAuth(name)
	if err != nil {
		return err
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	body, err := api.ImagePush(cmd.Context(), reference.FamiliarString(named), client.ImagePushOptions{All: opts.all, RegistryAuth: auth})
	if err != nil {
		return err
	}
	defer body.Close()
	return displayProgress(cli, body, opts.quiet)
}
