package network

import (
	"sort"
	"strconv"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// Templates docker uses for `network ls`.
const (
	listTable = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"
	listRaw   = `network_id: {{.ID}}\nname: {{.Name}}\ndriver: {{.Driver}}\nscope: {{.Scope}}\n`
	rawQuiet  = `network_id: {{.ID}}`
)

var listHeader = map[string]string{
	"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER", "Scope": "SCOPE",
	"IPv4": "IPV4", "IPv6": "IPV6", "Internal": "INTERNAL", "Labels": "LABELS",
	"CreatedAt": format.CreatedAtHeader,
}

type listOptions struct {
	quiet   bool
	noTrunc bool
	format  string
	filter  command.FilterOpt
}

func newListCommand(cli *command.Cli) *cobra.Command {
	var o listOptions
	cmd := &cobra.Command{
		Use:     "ls [OPTIONS]",
		Aliases: []string{"list"},
		Short:   "List networks",
		Args:    command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runList(cmd, cli, o)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&o.quiet, "quiet", "q", false, "Only display network IDs")
	flags.BoolVar(&o.noTrunc, "no-trunc", false, "Do not truncate the output")
	flags.StringVar(&o.format, "format", "", command.FormatHelp)
	flags.VarP(&o.filter, "filter", "f", `Provide filter values (e.g. "driver=bridge")`)
	return cmd
}

// listFormat picks the template: -q only replaces the two built-in
// formats, a custom template wins over it, as in docker.
func listFormat(f string, quiet bool) string {
	switch f {
	case "", format.TableKey:
		if quiet {
			return format.QuietFormat
		}
		return listTable
	case "raw":
		if quiet {
			return rawQuiet
		}
		return listRaw
	}
	return f
}

func runList(cmd *cobra.Command, cli *command.Cli, o listOptions) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.NetworkList(cmd.Context(), client.NetworkListOptions{Filters: o.filter.Value()})
	if err != nil {
		return err
	}
	nets := res.Items
	sort.SliceStable(nets, func(i, j int) bool { return format.NaturalLess(nets[i].Name, nets[j].Name) })
	rows := make([]any, len(nets))
	for i := range nets {
		rows[i] = &networkContext{n: nets[i], trunc: !o.noTrunc}
	}
	return format.Context{Output: cli.Out(), Format: listFormat(o.format, o.quiet)}.Write(listHeader, rows)
}

// networkContext is one network in `network ls`.
type networkContext struct {
	n     network.Summary
	trunc bool
}

// MarshalJSON lists the row's template fields.
func (r *networkContext) MarshalJSON() ([]byte, error) { return format.MarshalMethods(r) }

// ID is the network's ID, cut to 12 digits unless --no-trunc.
func (r *networkContext) ID() string {
	if r.trunc {
		return format.TruncateID(r.n.ID)
	}
	return r.n.ID
}

// Name is the network's name.
func (r *networkContext) Name() string { return r.n.Name }

// Driver is the network's driver.
func (r *networkContext) Driver() string { return r.n.Driver }

// Scope is local, global or swarm.
func (r *networkContext) Scope() string { return r.n.Scope }

// IPv4 says whether IPv4 addresses are assigned.
func (r *networkContext) IPv4() string { return strconv.FormatBool(r.n.EnableIPv4) }

// IPv6 says whether IPv6 addresses are assigned.
func (r *networkContext) IPv6() string { return strconv.FormatBool(r.n.EnableIPv6) }

// Internal says whether the network is cut off from the outside.
func (r *networkContext) Internal() string { return strconv.FormatBool(r.n.Internal) }

// Labels joins the labels as k=v, sorted.
func (r *networkContext) Labels() string {
	out := make([]string, 0, len(r.n.Labels))
	for k, v := range r.n.Labels {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// Label is one label's value.
func (r *networkContext) Label(name string) string { return r.n.Labels[name] }

// CreatedAt is the creation time in Go's default layout, as docker shows it.
func (r *networkContext) CreatedAt() string { return r.n.Created.String() }
