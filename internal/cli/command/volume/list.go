package volume

import (
	"sort"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// Templates docker uses for `volume ls`.
const (
	listTable = "table {{.Driver}}\t{{.Name}}"
	listQuiet = "{{.Name}}"
)

var listHeader = map[string]string{
	"Name": "VOLUME NAME", "Driver": "DRIVER", "Scope": "SCOPE", "Mountpoint": "MOUNTPOINT",
	"Labels": "LABELS", "Links": "LINKS", "Size": format.SizeHeader,
	"Availability": "AVAILABILITY", "Group": "GROUP", "Status": "STATUS",
}

type listOptions struct {
	quiet  bool
	format string
	filter command.FilterOpt
}

func newListCommand(cli *command.Cli) *cobra.Command {
	var o listOptions
	cmd := &cobra.Command{
		Use:     "ls [OPTIONS]",
		Aliases: []string{"list"},
		Short:   "List volumes",
		Args:    command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runList(cmd, cli, o)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&o.quiet, "quiet", "q", false, "Only display volume names")
	flags.StringVar(&o.format, "format", "", command.FormatHelp)
	flags.VarP(&o.filter, "filter", "f", "Provide filter values (e.g. \"dangling=true\")")
	return cmd
}

func runList(cmd *cobra.Command, cli *command.Cli, o listOptions) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.VolumeList(cmd.Context(), client.VolumeListOptions{Filters: o.filter.Value()})
	if err != nil {
		return err
	}
	vols := res.Items
	sort.Slice(vols, func(i, j int) bool { return vols[i].Name < vols[j].Name })
	f := o.format
	switch {
	case o.quiet:
		f = listQuiet
	case f == "" || f == format.TableKey:
		f = listTable
	}
	rows := make([]any, len(vols))
	for i := range vols {
		rows[i] = &row{v: vols[i]}
	}
	return format.Context{Output: cli.Out(), Format: f}.Write(listHeader, rows)
}

// row is one volume in `volume ls`.
type row struct{ v volume.Volume }

// MarshalJSON lists the row's template fields.
func (r *row) MarshalJSON() ([]byte, error) { return format.MarshalMethods(r) }

// Name is the volume's name.
func (r *row) Name() string { return r.v.Name }

// Driver is the volume's driver.
func (r *row) Driver() string { return r.v.Driver }

// Scope is local or global.
func (r *row) Scope() string { return r.v.Scope }

// Mountpoint is where the data lives on the daemon's host.
func (r *row) Mountpoint() string { return r.v.Mountpoint }

// Labels joins the labels as k=v, sorted.
func (r *row) Labels() string {
	out := make([]string, 0, len(r.v.Labels))
	for k, v := range r.v.Labels {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// Label is one label's value.
func (r *row) Label(name string) string { return r.v.Labels[name] }

// Links and Size are known only from `system df`.
func (r *row) Links() string { return "N/A" }

// Size is known only from `system df`.
func (r *row) Size() string { return "N/A" }

// Availability and Group are for cluster volumes, which Berth has not.
func (r *row) Availability() string { return "N/A" }

// Group is for cluster volumes.
func (r *row) Group() string { return "N/A" }

// Status is a cluster volume's state.
func (r *row) Status() string { return "N/A" }
