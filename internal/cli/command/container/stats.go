package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type statsOptions struct {
	all, noStream, noTrunc bool
	format                 string
}

// NewStatsCommand returns `stats`.
func NewStatsCommand(cli *command.Cli) *cobra.Command {
	var opts statsOptions
	cmd := &cobra.Command{
		Use:   "stats [OPTIONS] [CONTAINER...]",
		Short: "Display a live stream of container(s) resource usage statistics",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStats(cmd.Context(), cli, opts, args)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.all, "all", "a", false, "Show all containers (default shows just running)")
	flags.StringVar(&opts.format, "format", "", command.FormatHelp)
	flags.BoolVar(&opts.noStream, "no-stream", false, "Disable streaming stats and only pull the first result")
	flags.BoolVar(&opts.noTrunc, "no-trunc", false, "Do not truncate output")
	return cmd
}

func runStats(ctx context.Context, cli *command.Cli, opts statsOptions, names []string) error {
	api, err := cli.Client()
	if err != nil {
		return err
	}
	if len(names) == 0 {
		res, err := api.ContainerList(ctx, client.ContainerListOptions{All: opts.all})
		if err != nil {
			return err
		}
		for _, c := range res.Items {
			names = append(names, c.ID[:min(12, len(c.ID))])
		}
	}
	f := opts.format
	if f == "" || f == format.TableKey {
		f = statsTable
	}
	rows := make([]*statsRow, len(names))
	for i, n := range names {
		rows[i] = &statsRow{container: n, trunc: !opts.noTrunc}
	}
	render := func() error {
		list := make([]any, len(rows))
		for i, r := range rows {
			list[i] = r
		}
		return format.Context{Output: cli.Out(), Format: f}.Write(statsHeader, list)
	}
	if opts.noStream {
		var errs []error
		for _, r := range rows {
			res, err := api.ContainerStats(ctx, r.container, client.ContainerStatsOptions{IncludePreviousSample: true})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			err = json.NewDecoder(res.Body).Decode(&r.s)
			res.Body.Close()
			if err != nil {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		return render()
	}
	return streamStats(ctx, cli, api, rows, render)
}

// streamStats follows every container's stats stream and redraws the
// table twice a second, as docker does, until interrupted.
func streamStats(ctx context.Context, cli *command.Cli, api *client.Client, rows []*statsRow, render func() error) error {
	var mu sync.Mutex
	for _, r := range rows {
		go func(r *statsRow) {
			res, err := api.ContainerStats(ctx, r.container, client.ContainerStatsOptions{Stream: true})
			if err != nil {
				mu.Lock()
				r.err = true
				mu.Unlock()
				return
			}
			defer res.Body.Close()
			dec := json.NewDecoder(res.Body)
			for {
				var s container.StatsResponse
				if err := dec.Decode(&s); err != nil {
					mu.Lock()
					r.err = true
					mu.Unlock()
					return
				}
				mu.Lock()
				r.s, r.err = s, false
				mu.Unlock()
			}
		}(r)
	}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		mu.Lock()
		fmt.Fprint(cli.Out(), "\033[2J\033[H")
		err := render()
		mu.Unlock()
		if err != nil {
			return err
		}
	}
}
