package image

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type saveOptions struct {
	output   string
	platform string
}

// NewSaveCommand returns `save` (also `image save`).
func NewSaveCommand(cli *command.Cli) *cobra.Command {
	var opts saveOptions
	cmd := &cobra.Command{
		Use:   "save [OPTIONS] IMAGE [IMAGE...]",
		Short: "Save one or more images to a tar archive (streamed to STDOUT by default)",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSave(cmd, cli, opts, args)
		},
	}
	flags := cmd.Flags()
	flags.StringVarP(&opts.output, "output", "o", "", "Write to a file, instead of STDOUT")
	flags.StringVar(&opts.platform, "platform", "", `Save only the given platform variant. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")`)
	return cmd
}

func runSave(cmd *cobra.Command, cli *command.Cli, opts saveOptions, images []string) error {
	var sopts []client.ImageSaveOption
	if opts.platform != "" {
		p, err := command.ParsePlatform(opts.platform)
		if err != nil {
			return err
		}
		sopts = append(sopts, client.ImageSaveWithPlatforms(p))
	}
	if opts.output == "" && cli.OutIsTerminal() {
		return errors.New("cowardly refusing to save to a terminal. Use the -o flag or redirect")
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	body, err := api.ImageSave(cmd.Context(), images, sopts...)
	if err != nil {
		return err
	}
	defer body.Close()
	if opts.output == "" {
		_, err = io.Copy(cli.Out(), body)
		return err
	}
	return writeAtomic(opts.output, body)
}

// writeAtomic writes r to path through a temporary file in the same
// directory, so a failed save never leaves a truncated archive behind.
func writeAtomic(path string, r io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return fmt.Errorf("failed to save image: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
