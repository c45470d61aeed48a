package container

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// requiresRangeArgs wants between lo and hi positional arguments.
func requiresRangeArgs(lo, hi int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) >= lo && len(args) <= hi {
			return nil
		}
		return fmt.Errorf("%s: '%s' requires at least %d and at most %d arguments\n\nUsage:  %s\n\nRun '%s --help' for more information",
			cmd.Root().Name(), cmd.CommandPath(), lo, hi, cmd.UseLine(), cmd.CommandPath())
	}
}

// NewPortCommand returns `port`.
func NewPortCommand(cli *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "port CONTAINER [PRIVATE_PORT[/PROTO]]",
		Short: "List port mappings or a specific mapping for the container",
		Args:  requiresRangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			private := ""
			if len(args) > 1 {
				private = args[1]
			}
			return runPort(cmd.Context(), cli, args[0], private)
		},
	}
}

// runPort prints what the container's NetworkSettings.Ports says.
func runPort(ctx context.Context, cli *command.Cli, name, private string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	var ports network.PortMap
	if ns := res.Container.NetworkSettings; ns != nil {
		ports = ns.Ports
	}
	var out []string
	if private != "" {
		num, proto, _ := strings.Cut(private, "/")
		if proto == "" {
			proto = "tcp"
		}
		if _, err := strconv.ParseUint(num, 10, 16); err != nil {
			return fmt.Errorf("Error: invalid port (%s): %w", num, err)
		}
		p, err := network.ParsePort(num + "/" + proto)
		if err != nil {
			return err
		}
		bindings, ok := ports[p]
		if !ok || bindings == nil {
			return fmt.Errorf("Error: No public port '%s' published for %s", private, name)
		}
		for _, b := range bindings {
			out = append(out, hostPort(b))
		}
	} else {
		for p, bindings := range ports {
			for _, b := range bindings {
				out = append(out, p.String()+" -> "+hostPort(b))
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	sort.Slice(out, func(i, j int) bool { return format.NaturalLess(out[i], out[j]) })
	fmt.Fprintln(cli.Out(), strings.Join(out, "\n"))
	return nil
}

func hostPort(b network.PortBinding) string {
	ip := ""
	if b.HostIP.IsValid() {
		ip = b.HostIP.String()
	}
	return net.JoinHostPort(ip, b.HostPort)
}
