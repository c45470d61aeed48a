package container

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type attachOptions struct {
	noStdin, sigProxy bool
	detachKeys        string
}

// NewAttachCommand returns `attach`.
func NewAttachCommand(cli *command.Cli) *cobra.Command {
	var opts attachOptions
	cmd := &cobra.Command{
		Use:   "attach [OPTIONS] CONTAINER",
		Short: "Attach local standard input, output, and error streams to a running container",
		Args:  command.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAttach(cmd.Context(), cli, opts, args[0])
		},
	}
	flags := cmd.Flags()
	flags.StringVar(&opts.detachKeys, "detach-keys", "", "Override the key sequence for detaching a container")
	flags.BoolVar(&opts.noStdin, "no-stdin", false, "Do not attach STDIN")
	flags.BoolVar(&opts.sigProxy, "sig-proxy", true, "Proxy all received signals to the process")
	return cmd
}

// attachable refuses containers docker will not attach to.
func attachable(st *container.State) error {
	switch {
	case st == nil || !st.Running:
		return errors.New("cannot attach to a stopped container, start it first")
	case st.Paused:
		return errors.New("cannot attach to a paused container, unpause it first")
	case st.Restarting:
		return errors.New("cannot attach to a restarting container, wait until it is running")
	}
	return nil
}

func runAttach(ctx context.Context, cli *command.Cli, opts attachOptions, name string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	c := res.Container
	if err := attachable(c.State); err != nil {
		return err
	}
	stdin := !opts.noStdin && c.Config.OpenStdin
	inFd, inTerm := terminalFd(cli.In())
	if stdin && c.Config.Tty && !inTerm {
		return errors.New("the input device is not a TTY")
	}
	wait := api.ContainerWait(ctx, name, client.ContainerWaitOptions{})
	conn, err := api.ContainerAttach(ctx, name, client.ContainerAttachOptions{
		Stream: true, Stdin: stdin, Stdout: true, Stderr: true, DetachKeys: opts.detachKeys,
	})
	if err != nil {
		return err
	}
	defer conn.Close()
	if opts.sigProxy && !c.Config.Tty {
		defer proxySignals(ctx, api, c.ID)()
	}
	s := streams{tty: c.Config.Tty, out: cli.Out(), err: cli.Err()}
	if stdin {
		s.in = cli.In()
	}
	if err := session(ctx, api, c.ID, "", conn.HijackedResponse, s, inFd, inTerm && stdin && c.Config.Tty); err != nil {
		if strings.Contains(err.Error(), "read escape sequence") {
			return nil
		}
		return err
	}
	return exitStatus(wait)
}

type startOptions struct {
	attach, stdin bool
	detachKeys    string
	checkpoint    string
	checkpointDir string
}

// NewStartCommand returns `start`.
func NewStartCommand(cli *command.Cli) *cobra.Command {
	var opts startOptions
	cmd := &cobra.Command{
		Use:   "start [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Start one or more stopped containers",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.attach || opts.stdin {
				if len(args) > 1 {
					return errors.New("you cannot start and attach multiple containers at once")
				}
				return startAttached(cmd.Context(), cli, opts, args[0])
			}
			return startAll(cmd.Context(), cli, opts, args)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.attach, "attach", "a", false, "Attach STDOUT/STDERR and forward signals")
	flags.StringVar(&opts.checkpoint, "checkpoint", "", "Restore from this checkpoint")
	flags.StringVar(&opts.checkpointDir, "checkpoint-dir", "", "Use a custom checkpoint storage directory")
	flags.StringVar(&opts.detachKeys, "detach-keys", "", "Override the key sequence for detaching a container")
	flags.BoolVarP(&opts.stdin, "interactive", "i", false, "Attach container's STDIN")
	return cmd
}

// startAll starts each container, reporting failures as they come.
func startAll(ctx context.Context, cli *command.Cli, opts startOptions, names []string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	var failed []string
	for _, name := range names {
		_, err := api.ContainerStart(ctx, name, client.ContainerStartOptions{
			CheckpointID: opts.checkpoint, CheckpointDir: opts.checkpointDir,
		})
		if err != nil {
			fmt.Fprintln(cli.Err(), err)
			failed = append(failed, name)
			continue
		}
		fmt.Fprintln(cli.Out(), name)
	}
	if len(failed) > 0 {
		return fmt.Errorf("Error: failed to start containers: %s", strings.Join(failed, ", "))
	}
	return nil
}

// startAttached is `start -a`/`-i`: attach, start, stream, then exit with
// the container's status.
func startAttached(ctx context.Context, cli *command.Cli, opts startOptions, name string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	c := res.Container
	stdin := opts.stdin && c.Config.OpenStdin
	inFd, inTerm := terminalFd(cli.In())
	if stdin && c.Config.Tty && !inTerm {
		return errors.New("the input device is not a TTY")
	}
	conn, err := api.ContainerAttach(ctx, c.ID, client.ContainerAttachOptions{
		Stream: true, Stdin: stdin, Stdout: true, Stderr: true, DetachKeys: opts.detachKeys,
	})
	if err != nil {
		return err
	}
	defer conn.Close()
	cond := container.WaitConditionNextExit
	if c.HostConfig != nil && c.HostConfig.AutoRemove {
		cond = container.WaitConditionRemoved
	}
	wait := api.ContainerWait(ctx, c.ID, client.ContainerWaitOptions{Condition: cond})
	if _, err := api.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
		return err
	}
	if !c.Config.Tty {
		defer proxySignals(ctx, api, c.ID)()
	}
	s := streams{tty: c.Config.Tty, out: cli.Out(), err: cli.Err()}
	if stdin {
		s.in = cli.In()
	}
	if err := session(ctx, api, c.ID, "", conn.HijackedResponse, s, inFd, inTerm && stdin && c.Config.Tty); err != nil {
		return err
	}
	return exitStatus(wait)
}
