package system

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	units "github.com/docker/go-units"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type pruneOptions struct {
	force   bool
	all     bool
	volumes bool
	filter  command.FilterOpt
}

// NewPruneCommand returns `system prune`: stopped containers, unused
// networks, dangling (or with -a unused) images, build cache and with
// --volumes anonymous volumes, in docker's order and words.
func NewPruneCommand(cli *command.Cli) *cobra.Command {
	var opts pruneOptions
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove unused data",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPrune(cmd, cli, opts)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.all, "all", "a", false, "Remove all unused images not just dangling ones")
	flags.BoolVarP(&opts.force, "force", "f", false, "Do not prompt for confirmation")
	flags.BoolVar(&opts.volumes, "volumes", false, "Prune anonymous volumes")
	flags.Var(&opts.filter, "filter", `Provide filter values (e.g. "label=<key>=<value>")`)
	return cmd
}

func pruneWarning(opts pruneOptions) string {
	var sb strings.Builder
	sb.WriteString("WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n")
	if opts.volumes {
		sb.WriteString("  - all anonymous volumes not used by at least one container\n")
	}
	if opts.all {
		sb.WriteString("  - all images without at least one container associated to them\n")
	} else {
		sb.WriteString("  - all dangling images\n")
	}
	if opts.all {
		sb.WriteString("  - all build cache\n")
	} else {
		sb.WriteString("  - unused build cache\n")
	}
	sb.WriteString("\nAre you sure you want to continue?")
	return sb.String()
}

func runPrune(cmd *cobra.Command, cli *command.Cli, opts pruneOptions) error {
	if !opts.force && !command.Confirm(cli, pruneWarning(opts)) {
		return command.ErrCancelled
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	ctx, out, f := cmd.Context(), cli.Out(), opts.filter.Value()
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintln(out, title)
		for _, it := range items {
			fmt.Fprintln(out, it)
		}
		fmt.Fprintln(out)
	}
	var reclaimed uint64
	cres, err := api.ContainerPrune(ctx, client.ContainerPruneOptions{Filters: f.Clone()})
	if err != nil {
		return err
	}
	list("Deleted Containers:", cres.Report.ContainersDeleted)
	reclaimed += cres.Report.SpaceReclaimed
	nres, err := api.NetworkPrune(ctx, client.NetworkPruneOptions{Filters: f.Clone()})
	if err != nil {
		return err
	}
	list("Deleted Networks:", nres.Report.NetworksDeleted)
	if opts.volumes {
		vres, err := api.VolumePrune(ctx, client.VolumePruneOptions{Filters: f.Clone()})
		if err != nil {
			return err
		}
		list("Deleted Volumes:", vres.Report.VolumesDeleted)
		reclaimed += vres.Report.SpaceReclaimed
	}
	imgFilters := f.Clone()
	imgFilters.Add("dangling", strconv.FormatBool(!opts.all))
	ires, err := api.ImagePrune(ctx, client.ImagePruneOptions{Filters: imgFilters})
	if err != nil {
		return err
	}
	var images []string
	for _, d := range ires.Report.ImagesDeleted {
		if d.Untagged != "" {
			images = append(images, "untagged: "+d.Untagged)
		} else {
			images = append(images, "deleted: "+d.Deleted)
		}
	}
	list("Deleted Images:", images)
	reclaimed += ires.Report.SpaceReclaimed
	bres, err := api.BuildCachePrune(ctx, client.BuildCachePruneOptions{All: opts.all, Filters: f.Clone()})
	if err != nil {
		return err
	}
	list("Deleted build cache objects:", bres.Report.CachesDeleted)
	reclaimed += bres.Report.SpaceReclaimed
	fmt.Fprintln(out, "Total reclaimed space:", units.HumanSize(float64(reclaimed)))
	return nil
}
