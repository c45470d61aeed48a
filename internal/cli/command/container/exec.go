package container

import (
	"context"
	"errors"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type execOptions struct {
	detach, interactive, tty, privileged bool
	detachKeys, user, workdir            string
	envFile                              command.ListOpt
	env                                  envList
}

// NewExecCommand returns `exec`.
func NewExecCommand(cli *command.Cli) *cobra.Command {
	var opts execOptions
	cmd := &cobra.Command{
		Use:   "exec [OPTIONS] CONTAINER COMMAND [ARG...]",
		Short: "Execute a command in a running container",
		Args:  command.RequiresMinArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExec(cmd.Context(), cli, opts, args[0], args[1:])
		},
	}
	flags := cmd.Flags()
	flags.SetInterspersed(false)
	flags.BoolVarP(&opts.detach, "detach", "d", false, "Detached mode: run command in the background")
	flags.StringVar(&opts.detachKeys, "detach-keys", "", "Override the key sequence for detaching a container")
	flags.VarP(&opts.env, "env", "e", "Set environment variables")
	flags.Var(&opts.envFile, "env-file", "Read in a file of environment variables")
	flags.BoolVarP(&opts.interactive, "interactive", "i", false, "Keep STDIN open even if not attached")
	flags.BoolVar(&opts.privileged, "privileged", false, "Give extended privileges to the command")
	flags.BoolVarP(&opts.tty, "tty", "t", false, "Allocate a pseudo-TTY")
	flags.StringVarP(&opts.user, "user", "u", "", `Username or UID (format: "<name|uid>[:<group|gid>]")`)
	flags.StringVarP(&opts.workdir, "workdir", "w", "", "Working directory inside the container")
	return cmd
}

func runExec(ctx context.Context, cli *command.Cli, opts execOptions, name string, argv []string) error {
	env, err := (&containerOptions{env: opts.env, envFile: opts.envFile}).environment()
	if err != nil {
		return err
	}
	inFd, inTerm := terminalFd(cli.In())
	if opts.interactive && opts.tty && !opts.detach && !inTerm {
		return errors.New("the input device is not a TTY")
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	create := client.ExecCreateOptions{
		User: opts.user, Privileged: opts.privileged, TTY: opts.tty,
		AttachStdin: opts.interactive && !opts.detach, AttachStdout: !opts.detach, AttachStderr: !opts.detach,
		DetachKeys: opts.detachKeys, Env: env, WorkingDir: opts.workdir, Cmd: argv,
	}
	var size client.ConsoleSize
	if opts.tty {
		if fd, ok := terminalFd(cli.Out()); ok {
			if h, w, ok := terminalSize(fd); ok {
				size = client.ConsoleSize{Height: h, Width: w}
				create.ConsoleSize = size
			}
		}
	}
	ex, err := api.ExecCreate(ctx, name, create)
	if err != nil {
		return err
	}
	if opts.detach {
		_, err := api.ExecStart(ctx, ex.ID, client.ExecStartOptions{Detach: true, TTY: opts.tty, ConsoleSize: size})
		return err
	}
	conn, err := api.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{TTY: opts.tty, ConsoleSize: size})
	if err != nil {
		return err
	}
	defer conn.Close()
	s := streams{tty: opts.tty, out: cli.Out(), err: cli.Err()}
	if opts.interactive {
		s.in = cli.In()
	}
	if err := session(ctx, api, name, ex.ID, conn.HijackedResponse, s, inFd, inTerm && opts.interactive && opts.tty); err != nil {
		return err
	}
	res, err := api.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{})
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return command.StatusError{Code: res.ExitCode}
	}
	return nil
}
