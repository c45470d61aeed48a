package network

import (
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type createOptions struct {
	name       string
	driver     string
	driverOpts mapOpt
	labels     command.ListOpt
	internal   bool
	ipv4, ipv6 *bool
	attachable bool
	ingress    bool
	scope      string
	configOnly bool
	configFrom string

	ipamDriver string
	subnets    []string
	ipRanges   []string
	gateways   []string
	auxAddrs   mapOpt
	ipamOpts   mapOpt
}

func newCreateCommand(cli *command.Cli) *cobra.Command {
	var (
		o          createOptions
		ipv4, ipv6 bool
	)
	cmd := &cobra.Command{
		Use:   "create [OPTIONS] NETWORK",
		Short: "Create a network",
		Args:  command.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name = args[0]
			// Only an explicit --ipv4/--ipv6 is sent: otherwise the daemon's
			// defaults apply.
			if cmd.Flags().Changed("ipv4") {
				o.ipv4 = &ipv4
			}
			if cmd.Flags().Changed("ipv6") {
				o.ipv6 = &ipv6
			}
			return runCreate(cmd, cli, o)
		},
	}
	flags := cmd.Flags()
	flags.StringVarP(&o.driver, "driver", "d", "bridge", "Driver to manage the Network")
	flags.VarP(&o.driverOpts, "opt", "o", "Set driver specific options")
	flags.Var(&o.labels, "label", "Set metadata on a network")
	flags.BoolVar(&o.internal, "internal", false, "Restrict external access to the network")
	flags.BoolVar(&ipv4, "ipv4", true, "Enable or disable IPv4 address assignment")
	flags.BoolVar(&ipv6, "ipv6", false, "Enable or disable IPv6 address assignment")
	flags.BoolVar(&o.attachable, "attachable", false, "Enable manual container attachment")
	flags.BoolVar(&o.ingress, "ingress", false, "Create swarm routing-mesh network")
	flags.StringVar(&o.scope, "scope", "", "Control the network's scope")
	flags.BoolVar(&o.configOnly, "config-only", false, "Create a configuration only network")
	flags.StringVar(&o.configFrom, "config-from", "", "The network from which to copy the configuration")
	flags.StringVar(&o.ipamDriver, "ipam-driver", "default", "IP Address Management Driver")
	flags.StringSliceVar(&o.subnets, "subnet", nil, "Subnet in CIDR format that represents a network segment")
	flags.StringSliceVar(&o.ipRanges, "ip-range", nil, "Allocate container ip from a sub-range")
	flags.StringSliceVar(&o.gateways, "gateway", nil, "IPv4 or IPv6 Gateway for the master subnet")
	flags.Var(&o.auxAddrs, "aux-address", "Auxiliary IPv4 or IPv6 addresses used by Network driver")
	flags.Var(&o.ipamOpts, "ipam-opt", "Set IPAM driver specific options")
	return cmd
}

func runCreate(cmd *cobra.Command, cli *command.Cli, o createOptions) error {
	pools, err := ipamConfigs(o.subnets, o.ipRanges, o.gateways, o.auxAddrs.Value())
	if err != nil {
		return err
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.NetworkCreate(cmd.Context(), o.name, client.NetworkCreateOptions{
		Driver:     o.driver,
		Options:    o.driverOpts.Value(),
		IPAM:       &network.IPAM{Driver: o.ipamDriver, Config: pools, Options: o.ipamOpts.Value()},
		Internal:   o.internal,
		EnableIPv4: o.ipv4,
		EnableIPv6: o.ipv6,
		Attachable: o.attachable,
		Ingress:    o.ingress,
		Scope:      o.scope,
		ConfigOnly: o.configOnly,
		ConfigFrom: o.configFrom,
		Labels:     keyValues(o.labels.Values()),
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(cli.Out(), res.ID)
	return nil
}
