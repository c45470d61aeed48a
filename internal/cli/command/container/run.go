package container

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

type runOptions struct {
	*containerOptions
	detach, autoRemove, sigProxy bool
	detachKeys                   string
}

// NewRunCommand returns `run`.
func NewRunCommand(cli *command.Cli) *cobra.Command {
	opts := runOptions{containerOptions: newContainerOptions()}
	cmd := &cobra.Command{
		Use:   "run [OPTIONS] IMAGE [COMMAND] [ARG...]",
		Short: "Create and run a new container from an image",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.image, opts.args = args[0], args[1:]
			req, err := opts.parse(cmd.Flags())
			if err != nil {
				return usageError(cmd, err)
			}
			if opts.autoRemove && !req.host.RestartPolicy.IsNone() {
				return usageError(cmd, errors.New("conflicting options: cannot specify both --restart and --rm"))
			}
			return runRun(cmd, cli, &opts, req)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.detach, "detach", "d", false, "Run container in background and print container ID")
	flags.BoolVar(&opts.autoRemove, "rm", false, "Automatically remove the container and its associated anonymous volumes when it exits")
	flags.BoolVar(&opts.sigProxy, "sig-proxy", true, "Proxy received signals to the process")
	flags.StringVar(&opts.detachKeys, "detach-keys", "", "Override the key sequence for detaching a container")
	opts.addFlags(flags)
	return cmd
}

// runRun follows docker's order: create, attach, wait, start; then stream
// until the container ends and exit with its status.
func runRun(cmd *cobra.Command, cli *command.Cli, opts *runOptions, req *createRequest) error {
	ctx := cmd.Context()
	cfg := req.config
	req.host.AutoRemove = opts.autoRemove
	inFd, inTerm := terminalFd(cli.In())
	if opts.detach {
		if len(opts.attach.Values()) > 0 {
			return errors.New("conflicting options: cannot specify both --attach and --detach")
		}
		cfg.AttachStdin, cfg.AttachStdout, cfg.AttachStderr, cfg.StdinOnce = false, false, false, false
	} else if cfg.AttachStdin && cfg.Tty && !inTerm {
		return errors.New("the input device is not a TTY")
	}
	if cfg.Tty {
		if fd, ok := terminalFd(cli.Out()); ok {
			if h, w, ok := terminalSize(fd); ok {
				req.host.ConsoleSize = [2]uint{h, w}
			}
		}
	}
	id, err := createContainer(ctx, cli, opts.containerOptions, req)
	if err != nil {
		return statusError(cmd, err)
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	if opts.sigProxy && !cfg.Tty && !opts.detach {
		stop := proxySignals(ctx, api, id)
		defer stop()
	}
	attached := cfg.AttachStdin || cfg.AttachStdout || cfg.AttachStderr
	var conn client.HijackedResponse
	if attached {
		res, err := api.ContainerAttach(ctx, id, client.ContainerAttachOptions{
			Stream: true, Stdin: cfg.AttachStdin, Stdout: cfg.AttachStdout, Stderr: cfg.AttachStderr,
			DetachKeys: opts.detachKeys,
		})
		if err != nil {
			return statusError(cmd, err)
		}
		conn = res.HijackedResponse
		defer conn.Close()
	}
	var wait client.ContainerWaitResult
	if !opts.detach {
		cond := container.WaitConditionNextExit
		if opts.autoRemove {
			cond = container.WaitConditionRemoved
		}
		wait = api.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: cond})
	}
	if _, err := api.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return statusError(cmd, err)
	}
	if opts.detach {
		fmt.Fprintln(cli.Out(), id)
		return nil
	}
	if attached {
		s := streams{tty: cfg.Tty}
		if cfg.AttachStdin {
			s.in = cli.In()
		}
		if cfg.AttachStdout {
			s.out = cli.Out()
		}
		if cfg.AttachStderr {
			s.err = cli.Err()
			if cfg.Tty {
				s.err = nil
			}
		}
		if err := session(ctx, api, id, "", conn, s, inFd, inTerm && cfg.AttachStdin && cfg.Tty); err != nil {
			return err
		}
	}
	return exitStatus(wait)
}

// exitStatus waits for the container's end and turns a non-zero status
// into berth's own exit code.
func exitStatus(wait client.ContainerWaitResult) error {
	select {
	case res := <-wait.Result:
		if res.Error != nil {
			return command.StatusError{Status: res.Error.Message, Code: 125}
		}
		if res.StatusCode != 0 {
			return command.StatusError{Code: int(res.StatusCode)}
		}
		return nil
	case err := <-wait.Error:
		return command.StatusError{Status: err.Error(), Code: 125}
	}
}

// session streams an attached container (or exec, when execID is set):
// raw terminal and size updates when a TTY is in use, then the copy.
func session(ctx context.Context, api *client.Client, id, execID string, conn client.HijackedResponse, s streams, inFd uintptr, raw bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if raw {
		restore, err := makeRaw(inFd)
		if err == nil {
			defer restore()
		}
	}
	if s.tty {
		if fd, ok := terminalFd(s.out); ok {
			monitorSize(ctx, fd, func(h, w uint) {
				if execID != "" {
					_, _ = api.ExecResize(ctx, execID, client.ExecResizeOptions{Height: h, Width: w})
					return
				}
				_, _ = api.ContainerResize(ctx, id, client.ContainerResizeOptions{Height: h, Width: w})
			})
		}
	}
	err := pump(ctx, conn, s)
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// proxySignals forwards the signals berth receives to the container, as
// docker's --sig-proxy does for non-TTY sessions.
func proxySignals(ctx context.Context, api *client.Client, id string) func() {
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case s := <-ch:
				if sig, ok := s.(unix.Signal); ok {
					_, _ = api.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: fmt.Sprint(int(sig))})
				}
			}
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}
