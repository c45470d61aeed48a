// Package build is `berth build`: it packs the context (a directory, a
// tarball or stdin), sends it to POST /build and prints the daemon's
// stream.
package build

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type options struct {
	tags, buildArgs, labels command.ListOpt
	file, target, iidfile   string
	progress, network       string
	noCache, quiet, pull    bool
}

// NewBuildCommand returns `build` (also `image build`).
func NewBuildCommand(cli *command.Cli) *cobra.Command {
	var opts options
	cmd := &cobra.Command{
		Use:   "build [OPTIONS] PATH | URL | -",
		Short: "Build an image from a Dockerfile",
		Args:  command.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, cli, opts, args[0])
		},
	}
	f := cmd.Flags()
	f.VarP(&opts.tags, "tag", "t", `Name and optionally a tag in the "name:tag" format`)
	f.StringVarP(&opts.file, "file", "f", "", `Name of the Dockerfile (Default is "PATH/Dockerfile")`)
	f.Var(&opts.buildArgs, "build-arg", "Set build-time variables")
	f.Var(&opts.labels, "label", "Set metadata for an image")
	f.BoolVar(&opts.noCache, "no-cache", false, "Do not use cache when building the image")
	f.BoolVar(&opts.pull, "pull", false, "Always attempt to pull a newer version of the image")
	f.StringVar(&opts.target, "target", "", "Set the target build stage to build")
	f.BoolVarP(&opts.quiet, "quiet", "q", false, "Suppress the build output and print image ID on success")
	f.StringVar(&opts.iidfile, "iidfile", "", "Write the image ID to the file")
	f.StringVar(&opts.progress, "progress", "auto", "Set type of progress output (auto, plain, tty)")
	f.StringVar(&opts.network, "network", "", "Set the networking mode for the RUN instructions during build")
	return cmd
}

func run(cmd *cobra.Command, cli *command.Cli, opts options, src string) error {
	switch opts.progress {
	case "auto", "plain", "tty":
	default:
		return fmt.Errorf("invalid --progress %q: use auto, plain or tty", opts.progress)
	}
	bopts := client.ImageBuildOptions{
		Tags: opts.tags.Values(), NoCache: opts.noCache, PullParent: opts.pull,
		Target: opts.target, SuppressOutput: opts.quiet, NetworkMode: opts.network,
		Remove: true, Dockerfile: opts.file,
	}
	var err error
	if bopts.BuildArgs, err = buildArgs(opts.buildArgs.Values()); err != nil {
		return err
	}
	bopts.Labels = map[string]string{}
	for _, l := range opts.labels.Values() {
		k, v, _ := strings.Cut(l, "=")
		bopts.Labels[k] = v
	}
	body, dockerfile, err := openContext(cli.In(), src, opts.file)
	if err != nil {
		return err
	}
	defer body.Close()
	bopts.Dockerfile = dockerfile
	c, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := c.ImageBuild(cmd.Context(), body, bopts)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	out := cli.Out()
	if opts.quiet {
		out = io.Discard
	}
	// The classic builder's steps are plain lines either way; a terminal
	// gets bars for the layers a FROM pulls.
	id := ""
	saveID := func(m jsonstream.Message) {
		var aux struct{ ID string }
		if json.Unmarshal(*m.Aux, &aux) == nil && aux.ID != "" {
			id = aux.ID
		}
	}
	if err := cli.DisplayProgress(res.Body, out, opts.progress != "plain", saveID); err != nil {
		return err
	}
	if opts.quiet {
		fmt.Fprintln(cli.Out(), id)
	}
	if opts.iidfile != "" {
		return os.WriteFile(opts.iidfile, []byte(id), 0o644)
	}
	return nil
}

// buildArgs parses KEY=VALUE; a bare KEY takes its value from the
// environment, or stays unset.
func buildArgs(list []string) (map[string]*string, error) {
	args := map[string]*string{}
	for _, a := range list {
		k, v, ok := strings.Cut(a, "=")
		if k == "" {
			return nil, fmt.Errorf("invalid --build-arg %q: the name is empty", a)
		}
		if !ok {
			if env, set := os.LookupEnv(k); set {
				v, ok = env, true
			}
		}
		if ok {
			val := v
			args[k] = &val
		} else {
			args[k] = nil
		}
	}
	return args, nil
}
