package build

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/berth/berth/internal/cli/command"
	units "github.com/docker/go-units"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// newDiskUsageCommand returns `builder du`: the build cache's records and
// their sizes, from the daemon's disk usage report.
func newDiskUsageCommand(cli *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "du",
		Short: "Disk usage",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			api, err := cli.Client()
			if err != nil {
				return err
			}
			du, err := api.DiskUsage(cmd.Context(), client.DiskUsageOptions{BuildCache: true, Verbose: true})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cli.Out(), 1, 8, 1, '\t', 0)
			var reclaimable, total int64
			if len(du.BuildCache.Items) > 0 {
				fmt.Fprintln(tw, "ID\tRECLAIMABLE\tSIZE\tLAST ACCESSED")
			}
			for _, r := range du.BuildCache.Items {
				last := ""
				if r.LastUsedAt != nil {
					last = units.HumanDuration(time.Since(*r.LastUsedAt)) + " ago"
				}
				fmt.Fprintf(tw, "%s\t%v\t%s\t%s\n", r.ID, !r.InUse, units.HumanSize(float64(r.Size)), last)
				total += r.Size
				if !r.InUse {
					reclaimable += r.Size
				}
			}
			if len(du.BuildCache.Items) == 0 {
				total, reclaimable = du.BuildCache.TotalSize, du.BuildCache.Reclaimable
			}
			fmt.Fprintf(tw, "Reclaimable:\t%s\n", units.HumanSize(float64(reclaimable)))
			fmt.Fprintf(tw, "Total:\t%s\n", units.HumanSize(float64(total)))
			return tw.Flush()
		},
	}
}
