package network

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type connectOptions struct {
	ip, ip6      string
	aliases      []string
	links        command.ListOpt
	linkLocalIPs []string
	driverOpts   []string
	gwPriority   int
}

func newConnectCommand(cli *command.Cli) *cobra.Command {
	var o connectOptions
	cmd := &cobra.Command{
		Use:   "connect [OPTIONS] NETWORK CONTAINER",
		Short: "Connect a container to a network",
		Args:  command.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConnect(cmd, cli, args[0], args[1], o)
		},
	}
	flags := cmd.Flags()
	flags.StringVar(&o.ip, "ip", "", `IPv4 address (e.g., "172.30.100.104")`)
	flags.StringVar(&o.ip6, "ip6", "", `IPv6 address (e.g., "2001:db8::33")`)
	flags.Var(&o.links, "link", "Add link to another container")
	flags.StringSliceVar(&o.aliases, "alias", nil, "Add network-scoped alias for the container")
	flags.StringSliceVar(&o.linkLocalIPs, "link-local-ip", nil, "Add a link-local address for the container")
	flags.StringSliceVar(&o.driverOpts, "driver-opt", nil, "driver options for the network")
	flags.IntVar(&o.gwPriority, "gw-priority", 0, "Highest gw-priority provides the default gateway. Accepts positive and negative values.")
	return cmd
}

func runConnect(cmd *cobra.Command, cli *command.Cli, net, ctr string, o connectOptions) error {
	ep, err := endpointSettings(o)
	if err != nil {
		return err
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	_, err = api.NetworkConnect(cmd.Context(), net, client.NetworkConnectOptions{Container: ctr, EndpointConfig: ep})
	return err
}

// endpointSettings turns connect's flags into the endpoint request.
func endpointSettings(o connectOptions) (*network.EndpointSettings, error) {
	opts := map[string]string{}
	for _, kv := range o.driverOpts {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, errors.New("invalid key/value pair format in driver options")
		}
		opts[k] = strings.TrimSpace(v)
	}
	ipam := &network.EndpointIPAMConfig{}
	var err error
	if o.ip != "" {
		if ipam.IPv4Address, err = parseAddr(o.ip, "IPv4"); err != nil {
			return nil, err
		}
	}
	if o.ip6 != "" {
		if ipam.IPv6Address, err = parseAddr(o.ip6, "IPv6"); err != nil {
			return nil, err
		}
	}
	for _, s := range o.linkLocalIPs {
		a, err := parseAddr(s, "link-local")
		if err != nil {
			return nil, err
		}
		ipam.LinkLocalIPs = append(ipam.LinkLocalIPs, a)
	}
	return &network.EndpointSettings{
		IPAMConfig: ipam,
		Links:      o.links.Values(),
		Aliases:    o.aliases,
		DriverOpts: opts,
		GwPriority: o.gwPriority,
	}, nil
}

func parseAddr(s, kind string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("invalid %s address: %s", kind, s)
	}
	return a, nil
}

func newDisconnectCommand(cli *command.Cli) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "disconnect [OPTIONS] NETWORK CONTAINER",
		Short: "Disconnect a container from a network",
		Args:  command.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			api, err := cli.Client()
			if err != nil {
				return err
			}
			_, err = api.NetworkDisconnect(cmd.Context(), args[0], client.NetworkDisconnectOptions{Container: args[1], Force: force})
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Force the container to disconnect from a network")
	return cmd
}
