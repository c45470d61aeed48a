package system

import (
	"fmt"
	"io"
	"sort"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	units "github.com/docker/go-units"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type dfOptions struct {
	verbose bool
	format  string
}

// NewDiskUsageCommand returns `system df`.
func NewDiskUsageCommand(cli *command.Cli) *cobra.Command {
	var opts dfOptions
	cmd := &cobra.Command{
		Use:   "df [OPTIONS]",
		Short: "Show docker disk usage",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDiskUsage(cmd, cli, opts)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.verbose, "verbose", "v", false, "Show detailed information on space usage")
	flags.StringVar(&opts.format, "format", "", command.FormatHelp)
	return cmd
}

func runDiskUsage(cmd *cobra.Command, cli *command.Cli, opts dfOptions) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	du, err := api.DiskUsage(cmd.Context(), client.DiskUsageOptions{
		Containers: true, Images: true, Volumes: true, BuildCache: true, Verbose: opts.verbose,
	})
	if err != nil {
		return err
	}
	f := opts.format
	if f == "" {
		f = format.TableKey
	}
	if !opts.verbose {
		if f == format.TableKey {
			f = format.DiskUsageTable
		}
		rows := []any{
			format.NewUsageRow("Images", du.Images.TotalCount, du.Images.ActiveCount, du.Images.TotalSize, du.Images.Reclaimable),
			format.NewUsageRow("Containers", du.Containers.TotalCount, du.Containers.ActiveCount, du.Containers.TotalSize, du.Containers.Reclaimable),
			format.NewUsageRow("Local Volumes", du.Volumes.TotalCount, du.Volumes.ActiveCount, du.Volumes.TotalSize, du.Volumes.Reclaimable),
			format.NewUsageRow("Build Cache", du.BuildCache.TotalCount, du.BuildCache.ActiveCount, du.BuildCache.TotalSize, du.BuildCache.Reclaimable),
		}
		return format.Context{Output: cli.Out(), Format: f}.Write(format.DiskUsageHeader, rows)
	}
	return writeVerbose(cli.Out(), f, du)
}

// verboseData is what a `system df -v --format` template sees.
type verboseData struct {
	Images, Containers, Volumes, BuildCache []any
}

func writeVerbose(out io.Writer, f string, du client.DiskUsageResult) error {
	trunc := format.IsTable(f)
	var d verboseData
	for _, img := range du.Images.Items {
		d.Images = append(d.Images, format.UsageImageRow(img, trunc))
	}
	for _, c := range du.Containers.Items {
		c.SizeRootFs = 0
		d.Containers = append(d.Containers, format.NewContainerRow(c, trunc))
	}
	for _, v := range du.Volumes.Items {
		d.Volumes = append(d.Volumes, format.NewVolumeRow(v))
	}
	cache := du.BuildCache.Items
	sort.SliceStable(cache, func(i, j int) bool {
		a, b := cache[i].LastUsedAt, cache[j].LastUsedAt
		switch {
		case a == nil && b == nil:
			return cache[i].ID < cache[j].ID
		case a == nil || b == nil:
			return a == nil
		case a.Equal(*b):
			return cache[i].ID < cache[j].ID
		}
		return a.Before(*b)
	})
	for _, c := range cache {
		d.BuildCache = append(d.BuildCache, format.NewCacheRow(c, trunc))
	}
	if f != format.TableKey {
		text := f
		if text == format.JSONKey {
			text = "{{json .}}"
		}
		tmpl, err := format.Parse(text)
		if err != nil {
			return err
		}
		return tmpl.Execute(out, d)
	}
	sections := []struct {
		title, tmpl string
		header      map[string]string
		rows        []any
	}{
		{"Images space usage:\n\n", format.DiskUsageImageTable, format.ImageHeader, d.Images},
		{"\nContainers space usage:\n\n", format.DiskUsageCtrTable, format.ContainerHeader, d.Containers},
		{"\nLocal Volumes space usage:\n\n", format.DiskUsageVolumeTable, format.VolumeHeader, d.Volumes},
		{fmt.Sprintf("\nBuild cache usage: %s\n\n", units.HumanSize(float64(du.BuildCache.TotalSize))), format.DiskUsageCacheTable, format.CacheHeader, d.BuildCache},
	}
	for _, s := range sections {
		fmt.Fprint(out, s.title)
		if err := (format.Context{Output: out, Format: s.tmpl}).Write(s.header, s.rows); err != nil {
			return err
		}
	}
	return nil
}
