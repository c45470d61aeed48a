package container

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/berth/berth/internal/cli/command"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/spf13/cobra"
)

// NewCreateCommand returns `create`.
func NewCreateCommand(cli *command.Cli) *cobra.Command {
	opts := newContainerOptions()
	cmd := &cobra.Command{
		Use:   "create [OPTIONS] IMAGE [COMMAND] [ARG...]",
		Short: "Create a new container",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.image, opts.args = args[0], args[1:]
			req, err := opts.parse(cmd.Flags())
			if err != nil {
				return usageError(cmd, err)
			}
			// Unlike run, create reports errors plainly with exit status 1.
			id, err := createContainer(cmd.Context(), cli, opts, req)
			if err != nil {
				return err
			}
			fmt.Fprintln(cli.Out(), id)
			return nil
		},
	}
	opts.addFlags(cmd.Flags())
	return cmd
}

// usageError reports bad flag values as docker does: exit 125 with a
// pointer to --help.
func usageError(cmd *cobra.Command, err error) error {
	return command.StatusError{
		Status: fmt.Sprintf("%s: %s\n\nRun '%s --help' for more information", cmd.Root().Name(), err, cmd.CommandPath()),
		Code:   125,
	}
}

// statusError maps an error met before the container ran to docker's exit
// codes: 127 when the command does not exist, 126 when it cannot be
// executed, 125 for anything else the daemon refused.
func statusError(cmd *cobra.Command, err error) error {
	var st command.StatusError
	if errors.As(err, &st) {
		return st
	}
	code := 125
	msg := err.Error()
	switch {
	case containsAny(msg, "executable file not found", "no such file or directory", "system cannot find the file specified"):
		code = 127
	case containsAny(msg, "permission denied", "is a directory"):
		code = 126
	}
	return command.StatusError{
		Status: fmt.Sprintf("%s: %s\n\nRun '%s --help' for more information", cmd.Root().Name(), msg, cmd.CommandPath()),
		Code:   code,
	}
}

// createContainer creates the container, pulling its image first when
// --pull asks for it or when the daemon does not have it.
func createContainer(ctx context.Context, cli *command.Cli, opts *containerOptions, req *createRequest) (string, error) {
	api, err := cli.Client()
	if err != nil {
		return "", err
	}
	var platform *ocispec.Platform
	if opts.platform != "" {
		p, err := command.ParsePlatform(opts.platform)
		if err != nil {
			return "", err
		}
		platform = &p
	}
	if opts.pull != "always" && opts.pull != "missing" && opts.pull != "never" {
		return "", fmt.Errorf(`invalid pull option: '%s': must be one of "always", "missing" or "never"`, opts.pull)
	}
	if opts.cidFile != "" {
		if _, err := os.Stat(opts.cidFile); err == nil {
			return "", fmt.Errorf("container ID file found, make sure the other container isn't running or delete %s", opts.cidFile)
		}
	}
	ref := opts.image
	if named, err := reference.ParseNormalizedNamed(opts.image); err == nil {
		ref = reference.FamiliarString(reference.TagNameOnly(named))
	}
	create := func() (client.ContainerCreateResult, error) {
		return api.ContainerCreate(ctx, client.ContainerCreateOptions{
			Config: req.config, HostConfig: req.host, NetworkingConfig: req.networking,
			Platform: platform, Name: opts.name,
		})
	}
	if opts.pull == "always" {
		if err := pullImage(ctx, cli, ref, platform, opts.quiet); err != nil {
			return "", err
		}
	}
	res, err := create()
	if err != nil && cerrdefs.IsNotFound(err) && opts.pull == "missing" && isImageMissing(err) {
		fmt.Fprintf(cli.Err(), "Unable to find image '%s' locally\n", ref)
		if err := pullImage(ctx, cli, ref, platform, opts.quiet); err != nil {
			return "", err
		}
		res, err = create()
	}
	if err != nil {
		return "", err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(cli.Err(), "WARNING: %s\n", w)
	}
	if opts.cidFile != "" {
		if err := os.WriteFile(opts.cidFile, []byte(res.ID), 0o644); err != nil {
			return "", fmt.Errorf("failed to write the container ID to the file: %w", err)
		}
	}
	return res.ID, nil
}

// isImageMissing tells a missing image from, say, a missing network.
func isImageMissing(err error) bool {
	return containsAny(err.Error(), "No such image", "no such image")
}

// pullImage pulls ref, showing the daemon's progress on stderr.
func pullImage(ctx context.Context, cli *command.Cli, ref string, platform *ocispec.Platform, quiet bool) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	var opts client.ImagePullOptions
	if platform != nil {
		opts.Platforms = []ocispec.Platform{*platform}
	}
	body, err := api.ImagePull(ctx, ref, opts)
	if err != nil {
		return err
	}
	defer body.Close()
	out := cli.Err()
	if quiet {
		out = discard{}
	}
	// Progress goes to stderr so that stdout carries only the container's
	// ID (create) or output (run).
	return command.New(nil, out, out).DisplayStream(body)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
