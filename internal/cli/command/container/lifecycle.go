package container

import (
	"context"
	"errors"
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// forEach applies op to every named container in order, printing the name
// of each one that succeeded; failures are returned together at the end,
// which is how docker reports stop, kill, pause and friends.
func forEach(ctx context.Context, cli *command.Cli, names []string, op func(context.Context, *client.Client, string) error) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		if err := op(ctx, api, name); err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintln(cli.Out(), name)
	}
	return errors.Join(errs...)
}

// signalOptions are the flags of stop and restart.
type signalOptions struct {
	signal  string
	timeout int
}

func (o *signalOptions) bind(cmd *cobra.Command, withTimeout bool) {
	cmd.Flags().StringVarP(&o.signal, "signal", "s", "", "Signal to send to the container")
	if withTimeout {
		cmd.Flags().IntVarP(&o.timeout, "timeout", "t", 0, "Seconds to wait before killing the container")
		cmd.Flags().IntVar(&o.timeout, "time", 0, "Seconds to wait before killing the container (deprecated: use --timeout)")
		_ = cmd.Flags().MarkHidden("time")
	}
}

// timeoutIf returns the timeout only when the user gave one, so that the
// container's own --stop-timeout applies otherwise.
func (o *signalOptions) timeoutIf(cmd *cobra.Command) *int {
	if cmd.Flags().Changed("timeout") || cmd.Flags().Changed("time") {
		t := o.timeout
		return &t
	}
	return nil
}

// NewStopCommand returns `stop`.
func NewStopCommand(cli *command.Cli) *cobra.Command {
	var opts signalOptions
	cmd := &cobra.Command{
		Use:   "stop [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Stop one or more running containers",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := client.ContainerStopOptions{Signal: opts.signal, Timeout: opts.timeoutIf(cmd)}
			return forEach(cmd.Context(), cli, args, func(ctx context.Context, api *client.Client, id string) error {
				_, err := api.ContainerStop(ctx, id, o)
				return err
			})
		},
	}
	opts.bind(cmd, true)
	return cmd
}

// NewRestartCommand returns `restart`.
func NewRestartCommand(cli *command.Cli) *cobra.Command {
	var opts signalOptions
	cmd := &cobra.Command{
		Use:   "restart [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Restart one or more containers",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := client.ContainerRestartOptions{Signal: opts.signal, Timeout: opts.timeoutIf(cmd)}
			return forEach(cmd.Context(), cli, args, func(ctx context.Context, api *client.Client, id string) error {
				_, err := api.ContainerRestart(ctx, id, o)
				return err
			})
		},
	}
	opts.bind(cmd, true)
	return cmd
}

// NewKillCommand returns `kill`.
func NewKillCommand(cli *command.Cli) *cobra.Command {
	var opts signalOptions
	cmd := &cobra.Command{
		Use:   "kill [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Kill one or more running containers",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEach(cmd.Context(), cli, args, func(ctx context.Context, api *client.Client, id string) error {
				_, err := api.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: opts.signal})
				return err
			})
		},
	}
	opts.bind(cmd, false)
	return cmd
}

// NewPauseCommand returns `pause`.
func NewPauseCommand(cli *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "pause CONTAINER [CONTAINER...]",
		Short: "Pause all processes within one or more containers",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEach(cmd.Context(), cli, args, func(ctx context.Context, api *client.Client, id string) error {
				_, err := api.ContainerPause(ctx, id, client.ContainerPauseOptions{})
				return err
			})
		},
	}
}

// NewUnpauseCommand returns `unpause`.
func NewUnpauseCommand(cli *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "unpause CONTAINER [CONTAINER...]",
		Short: "Unpause all processes within one or more containers",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEach(cmd.Context(), cli, args, func(ctx context.Context, api *client.Client, id string) error {
				_, err := api.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{})
				return err
			})
		},
	}
}

type rmOptions struct {
	force, volumes, link bool
}

// NewRmCommand returns `rm` (also `container rm`).
func NewRmCommand(cli *command.Cli) *cobra.Command {
	var opts rmOptions
	cmd := &cobra.Command{
		Use:   "rm [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Remove one or more containers",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRm(cmd.Context(), cli, opts, args)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.force, "force", "f", false, "Force the removal of a running container (uses SIGKILL)")
	flags.BoolVarP(&opts.link, "link", "l", false, "Remove the specified link")
	flags.BoolVarP(&opts.volumes, "volumes", "v", false, "Remove anonymous volumes associated with the container")
	return cmd
}

// runRm removes containers; with --force a missing one is only reported.
func runRm(ctx context.Context, cli *command.Cli, opts rmOptions, names []string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		_, err := api.ContainerRemove(ctx, name, client.ContainerRemoveOptions{
			Force: opts.force, RemoveVolumes: opts.volumes, RemoveLinks: opts.link,
		})
		switch {
		case err == nil:
			fmt.Fprintln(cli.Out(), name)
		case opts.force && cerrdefs.IsNotFound(err):
			fmt.Fprintln(cli.Err(), err)
		default:
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// NewRenameCommand returns `rename`.
func NewRenameCommand(cli *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "rename CONTAINER NEW_NAME",
		Short: "Rename a container",
		Args:  command.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			api, err := cli.Client()
			if err != nil {
				return err
			}
			if args[1] == "" {
				return errors.New("Error: neither old nor new names may be empty")
			}
			_, err = api.ContainerRename(cmd.Context(), args[0], client.ContainerRenameOptions{NewName: args[1]})
			return err
		},
	}
}

// NewWaitCommand returns `wait`.
func NewWaitCommand(cli *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "wait CONTAINER [CONTAINER...]",
		Short: "Block until one or more containers stop, then print their exit codes",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			api, err := cli.Client()
			if err != nil {
				return err
			}
			var errs []error
			for _, name := range args {
				res := api.ContainerWait(cmd.Context(), name, client.ContainerWaitOptions{})
				select {
				case r := <-res.Result:
					fmt.Fprintf(cli.Out(), "%d\n", r.StatusCode)
				case err := <-res.Error:
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		},
	}
}
