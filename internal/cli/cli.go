// Package cli builds berth's command tree: docker's command syntax on top
// of the Docker Engine API client, talking to berthd or any Docker engine.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/command/build"
	"github.com/berth/berth/internal/cli/command/container"
	"github.com/berth/berth/internal/cli/command/image"
	"github.com/berth/berth/internal/cli/command/network"
	"github.com/berth/berth/internal/cli/command/registry"
	"github.com/berth/berth/internal/cli/command/system"
	"github.com/berth/berth/internal/cli/command/volume"
	"github.com/docker/cli/cli/config"
	"github.com/spf13/cobra"
)

// globalOptions are the flags accepted before any command.
type globalOptions struct {
	host     string
	logLevel string
	debug    bool
	config   string
	context  string
	tls      command.TLSOptions
}

// NewRootCommand returns the `berth` command with every subcommand.
func NewRootCommand(c *command.Cli) *cobra.Command {
	var opts globalOptions
	root := &cobra.Command{
		Use:              "berth [OPTIONS] COMMAND [ARG...]",
		Short:            "A self-sufficient runtime for containers",
		SilenceUsage:     true,
		SilenceErrors:    true,
		TraverseChildren: true,
		Args:             cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				cmd.SetOut(c.Err())
				return cmd.Help()
			}
			return fmt.Errorf("berth: unknown command: berth %s\n\nRun 'berth --help' for more information", args[0])
		},
		PersistentPreRunE: func(*cobra.Command, []string) error {
			c.SetHost(opts.host)
			if opts.config != "" {
				// Credentials and compose read the config directory
				// from the environment, as the docker CLI's do.
				if err := os.Setenv("DOCKER_CONFIG", opts.config); err != nil {
					return err
				}
				config.SetDir(opts.config)
			}
			c.SetTLS(opts.tls)
			c.SetContext(opts.context)
			return nil
		},
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	// Global flags belong to the root alone, as in docker: they go before
	// the command name, and subcommands may reuse their letters (history -H).
	flags := root.Flags()
	flags.StringVarP(&opts.host, "host", "H", "", "Daemon socket to connect to")
	flags.StringVarP(&opts.logLevel, "log-level", "l", "info", `Set the logging level ("debug", "info", "warn", "error", "fatal")`)
	flags.BoolVarP(&opts.debug, "debug", "D", false, "Enable debug mode")
	flags.StringVarP(&opts.context, "context", "c", "", `Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var and default context set with "docker context use")`)
	flags.StringVar(&opts.config, "config", "", `Location of client config files (default "~/.docker")`)
	flags.BoolVar(&opts.tls.Enabled, "tls", false, "Use TLS; implied by --tlsverify")
	flags.BoolVar(&opts.tls.Verify, "tlsverify", os.Getenv("DOCKER_TLS_VERIFY") != "", "Use TLS and verify the remote")
	flags.StringVar(&opts.tls.CACert, "tlscacert", "", `Trust certs signed only by this CA (default "~/.docker/ca.pem")`)
	flags.StringVar(&opts.tls.Cert, "tlscert", "", `Path to TLS certificate file (default "~/.docker/cert.pem")`)
	flags.StringVar(&opts.tls.Key, "tlskey", "", `Path to TLS key file (default "~/.docker/key.pem")`)

	root.AddCommand(
		system.NewVersionCommand(c),
		system.NewInfoCommand(c),
		system.NewEventsCommand(c),
		system.NewSystemCommand(c),
		imageCommand(c),
		build.NewBuildCommand(c),
		build.NewBuilderCommand(c),
		image.NewSearchCommand(c),
		image.NewImagesCommand(c),
		image.NewRemoveCommand(c),
		image.NewTagCommand(c),
		image.NewHistoryCommand(c),
		image.NewImportCommand(c),
		image.NewLoadCommand(c),
		image.NewSaveCommand(c),
		image.NewPullCommand(c),
		image.NewPushCommand(c),
		registry.NewLoginCommand(c),
		registry.NewLogoutCommand(c),
		registry.NewManifestCommand(c),
		newInspectCommand(c),
		container.NewContainerCommand(c),
		volume.NewVolumeCommand(c),
		network.NewNetworkCommand(c),
		newContextCommand(c),
	)
	root.AddCommand(container.NewTopLevelCommands(c)...)
	root.AddCommand(newCompletionCommand())
	addNameCompletion(root, c)
	setup(root)
	// Added after setup: compose's help and errors are berth-compose's own.
	root.AddCommand(newComposeCommand(c))
	return root
}

// setup applies docker's conventions to every command in the tree.
func setup(cmd *cobra.Command) {
	cmd.DisableFlagsInUseLine = true
	cmd.SetFlagErrorFunc(command.FlagError)
	cmd.SetUsageTemplate(usageTemplate)
	cmd.SetHelpTemplate(helpTemplate)
	if cmd.Flags().ShorthandLookup("h") != nil {
		// run and create use -h for --hostname, as in docker.
		cmd.Flags().Bool("help", false, "Print usage")
	} else {
		cmd.Flags().BoolP("help", "h", false, "Print usage")
	}
	_ = cmd.Flags().MarkHidden("help")
	for _, sub := range cmd.Commands() {
		setup(sub)
	}
}

// Run executes berth with args, printing errors as docker does, and
// returns the process exit status.
func Run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	c := command.New(in, out, errOut)
	defer c.Close()
	root := NewRootCommand(c)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	if err == nil || errors.Is(err, command.ErrCancelled) {
		return 0
	}
	var st command.StatusError
	if errors.As(err, &st) {
		if st.Status != "" {
			fmt.Fprintln(errOut, st.Status)
		}
		if st.Code == 0 {
			return 1
		}
		return st.Code
	}
	fmt.Fprintln(errOut, err)
	return 1
}

// imageCommand is `image` with `image build`, which lives with the other
// build commands.
func imageCommand(c *command.Cli) *cobra.Command {
	cmd := image.NewImageCommand(c)
	cmd.AddCommand(build.NewBuildCommand(c))
	return cmd
}
