package container

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/inspect"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type inspectOptions struct {
	format string
	size   bool
}

// NewInspectCommand returns `container inspect`.
func NewInspectCommand(cli *command.Cli) *cobra.Command {
	var opts inspectOptions
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Display detailed information on one or more containers",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return RunInspect(cmd, cli, opts.format, opts.size, "container", args)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "", command.InspectFormatHelp)
	cmd.Flags().BoolVarP(&opts.size, "size", "s", false, "Display total file sizes")
	return cmd
}

// RunInspect prints containers and images for the inspect commands. kind
// is "container", "image", or "" to try a container and then an image as
// the top-level `inspect` does.
func RunInspect(cmd *cobra.Command, cli *command.Cli, tmpl string, size bool, kind string, refs []string) error {
	switch kind {
	case "", "container", "image":
	default:
		return fmt.Errorf("%q is not a valid value for --type", kind)
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	getContainer := func(ref string) (any, []byte, error) {
		res, err := api.ContainerInspect(ctx, ref, client.ContainerInspectOptions{Size: size})
		if err != nil {
			return nil, nil, err
		}
		return res.Container, res.Raw, nil
	}
	getImage := func(ref string) (any, []byte, error) {
		var raw bytes.Buffer
		res, err := api.ImageInspect(ctx, ref, client.ImageInspectWithRawResponse(&raw))
		if err != nil {
			return nil, nil, err
		}
		return res.InspectResponse, raw.Bytes(), nil
	}
	get := getContainer
	switch kind {
	case "image":
		get = getImage
	case "":
		get = func(ref string) (any, []byte, error) {
			v, raw, err := getContainer(ref)
			if err == nil || !cerrdefs.IsNotFound(err) {
				return v, raw, err
			}
			v, raw, err = getImage(ref)
			if err != nil && cerrdefs.IsNotFound(err) {
				return nil, nil, errors.New("Error: No such object: " + ref)
			}
			return v, raw, err
		}
	}
	return inspect.Print(cli.Out(), refs, tmpl, get)
}
