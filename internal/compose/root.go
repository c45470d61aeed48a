package compose

import (
	"context"
	"fmt"
	"io"

	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/cobra"
)

// Run is the berth-compose program: berth runs it for `berth compose`
// with its own arguments (berth's global flags, "compose", then compose's
// arguments), environment and streams, and exits with the status Run
// returns. The daemon is chosen as berth chooses it: -H, then DOCKER_HOST
// (which a project's .env may set), then berthd's default socket.
func Run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	cli := command.New(in, out, errOut)
	defer cli.Close()
	var host string
	root := &cobra.Command{
		Use:              "berth [OPTIONS] COMMAND [ARG...]",
		SilenceUsage:     true,
		SilenceErrors:    true,
		TraverseChildren: true,
		Args:             cobra.ArbitraryArgs,
		RunE: func(*cobra.Command, []string) error {
			return fmt.Errorf("berth-compose runs Docker Compose for berth: use 'berth compose --help'")
		},
		PersistentPreRunE: func(*cobra.Command, []string) error {
			cli.SetHost(host)
			return nil
		},
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	// berth's global flags, which berth passes on when the user gave them.
	flags := root.Flags()
	flags.StringVarP(&host, "host", "H", "", "Daemon socket to connect to")
	flags.StringP("log-level", "l", "info", `Set the logging level ("debug", "info", "warn", "error", "fatal")`)
	flags.BoolP("debug", "D", false, "Enable debug mode")

	cmd, err := NewCommand(cli.Host, Streams{In: in, Out: out, ErrOut: errOut})
	if err != nil {
		fmt.Fprintln(errOut, err)
		return 1
	}
	root.AddCommand(cmd)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errOut)
	err = root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	if status, code, ok := ExitStatus(err); ok {
		if status != "" {
			fmt.Fprintln(errOut, status)
		}
		return code
	}
	fmt.Fprintln(errOut, err)
	return 1
}
