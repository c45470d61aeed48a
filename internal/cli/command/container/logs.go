package container

import (
	"context"
	"io"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type logsOptions struct {
	follow, timestamps, details bool
	since, until, tail          string
}

// NewLogsCommand returns `logs`.
func NewLogsCommand(cli *command.Cli) *cobra.Command {
	var opts logsOptions
	cmd := &cobra.Command{
		Use:   "logs [OPTIONS] CONTAINER",
		Short: "Fetch the logs of a container",
		Args:  command.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogs(cmd.Context(), cli, opts, args[0])
		},
	}
	flags := cmd.Flags()
	flags.BoolVar(&opts.details, "details", false, "Show extra details provided to logs")
	flags.BoolVarP(&opts.follow, "follow", "f", false, "Follow log output")
	flags.StringVar(&opts.since, "since", "", `Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)`)
	flags.StringVarP(&opts.tail, "tail", "n", "all", "Number of lines to show from the end of the logs")
	flags.BoolVarP(&opts.timestamps, "timestamps", "t", false, "Show timestamps")
	flags.StringVar(&opts.until, "until", "", `Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)`)
	return cmd
}

// runLogs copies the log stream; a TTY container's log is raw, any other
// is multiplexed into stdout and stderr.
func runLogs(ctx context.Context, cli *command.Cli, opts logsOptions, name string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	c, err := api.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	body, err := api.ContainerLogs(ctx, c.Container.ID, client.ContainerLogsOptions{
		ShowStdout: true, ShowStderr: true, Since: opts.since, Until: opts.until,
		Timestamps: opts.timestamps, Follow: opts.follow, Tail: opts.tail, Details: opts.details,
	})
	if err != nil {
		return err
	}
	defer body.Close()
	if c.Container.Config != nil && c.Container.Config.Tty {
		_, err = io.Copy(cli.Out(), body)
	} else {
		_, err = stdcopy.StdCopy(cli.Out(), cli.Err(), body)
	}
	return err
}
