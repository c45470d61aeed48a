// Package compose is `berth compose`: Docker Compose's own command tree and
// orchestration (the Compose SDK, github.com/docker/compose/v5) run in
// process, talking to the daemon that every other berth command talks to.
// Berth adds no orchestration of its own; it only supplies the Docker CLI
// environment the SDK expects (streams, API client, config file) and Docker's
// help layout, so that `berth compose …` behaves as `docker compose …`.
package compose

import (
	"errors"
	"io"
	"os"

	dockercli "github.com/docker/cli/cli"
	"github.com/docker/cli/cli/command"
	cliflags "github.com/docker/cli/cli/flags"
	commands "github.com/docker/compose/v5/cmd/compose"
	"github.com/docker/compose/v5/cmd/prompt"
	sdk "github.com/docker/compose/v5/pkg/compose"
	"github.com/moby/moby/api/types/build"
	"github.com/spf13/cobra"
)

// Version is the Compose SDK's version, set at link time from go.mod (the
// SDK reads its own version from a variable the linker fills in as well).
var Version = "dev"

// Streams are the standard streams the compose commands use.
type Streams struct {
	In          io.Reader
	Out, ErrOut io.Writer
}

// NewCommand returns the `compose` command. host is called once flags are
// parsed and says which daemon to use: berth's -H, DOCKER_HOST or its
// default socket, resolved exactly as for every other berth command. The
// command belongs under a root command with TraverseChildren (compose's
// flags come before its subcommand, and its pre-run calls the root's).
func NewCommand(host func() string, s Streams) (*cobra.Command, error) {
	in, ok := s.In.(io.ReadCloser)
	if !ok {
		in = io.NopCloser(s.In)
	}
	dockerCli, err := command.NewDockerCli(
		command.WithInputStream(in),
		command.WithOutputStream(s.Out),
		command.WithErrorStream(s.ErrOut),
		command.WithUserAgent("compose/"+Version),
	)
	if err != nil {
		return nil, err
	}
	backend := &commands.BackendOptions{Options: []sdk.Option{
		sdk.WithPrompt(prompt.NewPrompt(dockerCli.In(), dockerCli.Out()).Confirm),
	}}
	cmd := commands.RootCommand(dockerCli, backend)

	// Compose's own pre-run first runs the root's (where berth learns -H)
	// and reads .env, which may set DOCKER_HOST; only then is the host known.
	composePreRun := cmd.PersistentPreRunE
	cmd.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		if err := composePreRun(c, args); err != nil {
			return err
		}
		opts := cliflags.NewClientOptions()
		opts.Hosts = []string{host()}
		if err := dockerCli.Initialize(opts); err != nil {
			return err
		}
		if buildingCommands[c.Name()] {
			preferClassicBuilder(dockerCli)
		}
		return nil
	}
	dockerLayout(cmd)
	return cmd, nil
}

// buildingCommands are the compose commands that may build images; only
// they need to ask the daemon which builder it has.
var buildingCommands = map[string]bool{
	"build": true, "up": true, "create": true, "run": true, "watch": true, "scale": true, "publish": true,
}

// preferClassicBuilder makes compose build through the daemon's /build
// when the daemon offers only the classic builder, as berthd does
// (Builder-Version 1 in its ping). The docker CLI takes BuildKit for
// granted on Linux and would hand builds to buildx bake, which berthd cannot
// serve, or warn on every build that it falls back. DOCKER_BUILDKIT set by
// the user still decides; a daemon offering BuildKit keeps it.
func preferClassicBuilder(dockerCli command.Cli) {
	if _, set := os.LookupEnv("DOCKER_BUILDKIT"); set {
		return
	}
	if dockerCli.ServerInfo().BuildkitVersion == build.BuilderV1 {
		_ = os.Setenv("DOCKER_BUILDKIT", "0")
	}
}

// dockerLayout gives the tree the usage and help templates, help flag and
// flag-error handling it has as a docker CLI plugin, so help and usage
// errors read as docker compose's.
func dockerLayout(cmd *cobra.Command) {
	// The docker CLI registers its template functions while setting up a
	// root command; a scratch one lends its templates without touching berth's.
	var scratch cobra.Command
	dockercli.SetupPluginRootCommand(&scratch)
	cmd.SetUsageTemplate(scratch.UsageTemplate())
	cmd.SetHelpTemplate(scratch.HelpTemplate())
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return dockercli.StatusError{StatusCode: 1, Status: err.Error()}
	})
	cmd.PersistentFlags().BoolP("help", "h", false, "Print usage")
	_ = cmd.PersistentFlags().MarkShorthandDeprecated("help", "use --help")
	cmd.PersistentFlags().Lookup("help").Hidden = true
	var visit func(*cobra.Command)
	visit = func(c *cobra.Command) {
		c.DisableFlagsInUseLine = true
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(cmd)
}

// ExitStatus reports the message and exit code a compose error asks for
// (a failed `compose exec` or `run` exits with the command's own status).
func ExitStatus(err error) (status string, code int, ok bool) {
	var st dockercli.StatusError
	if !errors.As(err, &st) {
		return "", 0, false
	}
	code = st.StatusCode
	if code == 0 {
		code = 1
	}
	return st.Error(), code, true
}
