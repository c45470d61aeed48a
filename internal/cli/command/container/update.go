package container

import (
	"context"
	"errors"
	"fmt"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type updateOptions struct {
	blkioWeight                                    uint16
	cpuPeriod, cpuQuota, cpuRtPeriod, cpuRtRuntime int64
	cpuShares, pidsLimit                           int64
	cpus                                           nanoCPUs
	cpusetCpus, cpusetMems, restart                string
	memory, memoryReservation                      memBytes
	memorySwap                                     swapBytes
}

// NewUpdateCommand returns `update`.
func NewUpdateCommand(cli *command.Cli) *cobra.Command {
	var opts updateOptions
	cmd := &cobra.Command{
		Use:   "update [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Update configuration of one or more containers",
		Args:  command.RequiresMinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().NFlag() == 0 {
				return errors.New("you must provide one or more flags when using this command")
			}
			return runUpdate(cmd, cli, &opts, args)
		},
	}
	flags := cmd.Flags()
	flags.Uint16Var(&opts.blkioWeight, "blkio-weight", 0, "Block IO (relative weight), between 10 and 1000, or 0 to disable")
	flags.Int64Var(&opts.cpuPeriod, "cpu-period", 0, "Limit CPU CFS (Completely Fair Scheduler) period")
	flags.Int64Var(&opts.cpuQuota, "cpu-quota", 0, "Limit CPU CFS (Completely Fair Scheduler) quota")
	flags.Int64Var(&opts.cpuRtPeriod, "cpu-rt-period", 0, "Limit the CPU real-time period in microseconds")
	flags.Int64Var(&opts.cpuRtRuntime, "cpu-rt-runtime", 0, "Limit the CPU real-time runtime in microseconds")
	flags.Int64VarP(&opts.cpuShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	flags.Var(&opts.cpus, "cpus", "Number of CPUs")
	flags.StringVar(&opts.cpusetCpus, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	flags.StringVar(&opts.cpusetMems, "cpuset-mems", "", "MEMs in which to allow execution (0-3, 0,1)")
	flags.VarP(&opts.memory, "memory", "m", "Memory limit")
	flags.Var(&opts.memoryReservation, "memory-reservation", "Memory soft limit")
	flags.Var(&opts.memorySwap, "memory-swap", "Swap limit equal to memory plus swap: -1 to enable unlimited swap")
	flags.Int64Var(&opts.pidsLimit, "pids-limit", 0, "Tune container pids limit (set -1 for unlimited)")
	flags.StringVar(&opts.restart, "restart", "", "Restart policy to apply when a container exits")
	return cmd
}

func runUpdate(cmd *cobra.Command, cli *command.Cli, opts *updateOptions, names []string) error {
	res := &container.Resources{
		BlkioWeight: opts.blkioWeight, CPUPeriod: opts.cpuPeriod, CPUQuota: opts.cpuQuota,
		CPURealtimePeriod: opts.cpuRtPeriod, CPURealtimeRuntime: opts.cpuRtRuntime,
		CPUShares: opts.cpuShares, NanoCPUs: int64(opts.cpus), CpusetCpus: opts.cpusetCpus,
		CpusetMems: opts.cpusetMems, Memory: int64(opts.memory),
		MemoryReservation: int64(opts.memoryReservation), MemorySwap: int64(opts.memorySwap),
	}
	if cmd.Flags().Changed("pids-limit") {
		res.PidsLimit = &opts.pidsLimit
	}
	var restart *container.RestartPolicy
	if cmd.Flags().Changed("restart") {
		p, err := parseRestart(opts.restart)
		if err != nil {
			return err
		}
		restart = &p
	}
	var warnings []string
	err := forEach(cmd.Context(), cli, names, func(ctx context.Context, api *client.Client, id string) error {
		r, err := api.ContainerUpdate(ctx, id, client.ContainerUpdateOptions{Resources: res, RestartPolicy: restart})
		warnings = append(warnings, r.Warnings...)
		return err
	})
	for _, w := range warnings {
		fmt.Fprintln(cli.Err(), w)
	}
	return err
}
