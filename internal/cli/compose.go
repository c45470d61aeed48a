package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// composeBinary is the program that is `berth compose`. It is a program of
// its own, as docker compose is a plugin of the docker CLI: the Compose SDK's
// dependencies cost every berth command time and memory at start-up when
// linked in, so berth only looks it up and runs it.
const composeBinary = "berth-compose"

// newComposeCommand is `berth compose`. Its flags and help are compose's
// own, so berth parses none of them and hands everything to berth-compose.
func newComposeCommand(c *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:                "compose",
		Short:              "Docker Compose",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			exe, err := os.Executable()
			if err != nil {
				exe = ""
			}
			path, err := findCompose(filepath.Dir(exe))
			if err != nil {
				return err
			}
			return runCompose(cmd.Context(), c, path, append(globalArgs(cmd.Root().Flags()), append([]string{"compose"}, args...)...))
		},
	}
}

// findCompose looks for berth-compose beside berth first, so that an
// installed pair stays a pair, then on PATH.
func findCompose(dir string) (string, error) {
	if dir != "" {
		beside := filepath.Join(dir, composeBinary)
		if st, err := os.Stat(beside); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return beside, nil
		}
	}
	if path, err := exec.LookPath(composeBinary); err == nil {
		return path, nil
	}
	where := "on PATH"
	if dir != "" {
		where = "in " + dir + " or on PATH"
	}
	return "", fmt.Errorf("berth: 'compose' needs the %s program, which was not found %s: install it beside berth (make install does)", composeBinary, where)
}

// globalArgs repeats the global flags the user gave (-H above all), so that
// berth-compose resolves the daemon exactly as berth does; without -H both
// read the same DOCKER_HOST from the same environment.
func globalArgs(flags *pflag.FlagSet) []string {
	var args []string
	flags.Visit(func(f *pflag.Flag) {
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	return args
}

// runCompose runs berth-compose with args on berth's streams and
// environment and exits as it does. Signals reach it as they would reach
// docker compose under the docker CLI: from a terminal the kernel delivers
// them to the whole foreground group (forwarding would make one Ctrl-C look
// like two, which compose reads as "kill now"); otherwise berth passes on
// what it receives.
func runCompose(ctx context.Context, c *command.Cli, path string, args []string) error {
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.In(), c.Out(), c.Err()
	cmd.Env = os.Environ()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("berth: running %s: %w", path, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	fromTerminal := c.InIsTerminal() || c.OutIsTerminal()
	for {
		select {
		case sig := <-sigs:
			if !fromTerminal || sig == syscall.SIGTERM {
				_ = cmd.Process.Signal(sig)
			}
		case <-ctx.Done():
			_ = cmd.Process.Signal(syscall.SIGTERM)
			ctx = context.Background()
		case err := <-done:
			return composeExit(err)
		}
	}
}

// composeExit turns berth-compose's end into berth's exit status. Compose
// has printed its own errors already.
func composeExit(err error) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code := exit.ExitCode()
		if code < 0 {
			// Killed by a signal: the shell's convention, 128 + signal.
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				code = 128 + int(ws.Signal())
			} else {
				code = 1
			}
		}
		return command.StatusError{Code: code}
	}
	return err
}
