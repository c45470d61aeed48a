package system

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	units "github.com/docker/go-units"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// berthInfo is what `info --format` templates see: the daemon's info with
// client details beside it, as in docker.
type berthInfo struct {
	*system.Info `json:",omitempty"`
	ServerErrors []string    `json:",omitempty"`
	ClientInfo   *clientInfo `json:",omitempty"`
}

type clientInfo struct {
	Debug bool
	clientVersion
	Plugins  []struct{}
	Warnings []string
}

// NewInfoCommand returns `info` (also `system info`).
func NewInfoCommand(cli *command.Cli) *cobra.Command {
	var tmplText string
	cmd := &cobra.Command{
		Use:   "info [OPTIONS]",
		Short: "Display system-wide information",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runInfo(cmd, cli, tmplText)
		},
	}
	cmd.Flags().StringVarP(&tmplText, "format", "f", "", command.InspectFormatHelp)
	return cmd
}

func runInfo(cmd *cobra.Command, cli *command.Cli, tmplText string) error {
	data := berthInfo{ClientInfo: &clientInfo{clientVersion: newClientVersion(), Plugins: []struct{}{}}}
	debugFlag, _ := cmd.Root().Flags().GetBool("debug")
	data.ClientInfo.Debug = debugFlag
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.Info(cmd.Context(), client.InfoOptions{})
	if err != nil {
		if client.IsErrConnectionFailed(err) {
			if tmplText == "" {
				printClientInfo(cli.Out(), data.ClientInfo)
				fmt.Fprintln(cli.Out())
				fmt.Fprintln(cli.Out(), "Server:")
			}
			return err
		}
		data.ServerErrors = append(data.ServerErrors, err.Error())
	} else {
		data.Info = &res.Info
	}
	if tmplText != "" {
		if tmplText == format.JSONKey {
			tmplText = "{{json .}}"
		}
		tmpl, err := format.Parse(tmplText)
		if err != nil {
			return command.StatusError{Status: err.Error(), Code: 64}
		}
		err = tmpl.Execute(cli.Out(), data)
		fmt.Fprintln(cli.Out())
		return err
	}
	printClientInfo(cli.Out(), data.ClientInfo)
	fmt.Fprintln(cli.Out())
	fmt.Fprintln(cli.Out(), "Server:")
	if data.Info != nil {
		printServerInfo(cli.Out(), cli.Err(), data.Info, debugFlag)
	}
	for _, e := range data.ServerErrors {
		fmt.Fprintln(cli.Err(), "ERROR:", e)
	}
	if len(data.ServerErrors) > 0 {
		return fmt.Errorf("errors pretty printing info")
	}
	return nil
}

func printClientInfo(out io.Writer, ci *clientInfo) {
	fmt.Fprintln(out, "Client:")
	fmt.Fprintln(out, " Version:   ", ci.Version)
	fmt.Fprintln(out, " Context:   ", ci.Context)
	fmt.Fprintln(out, " Debug Mode:", ci.Debug)
}

// lineIf prints a label and value only when the value is set.
func lineIf(out io.Writer, label, value string) {
	if value != "" {
		fmt.Fprintln(out, label, value)
	}
}

func printServerInfo(out, errOut io.Writer, info *system.Info, debugFlag bool) {
	fmt.Fprintln(out, " Containers:", info.Containers)
	fmt.Fprintln(out, "  Running:", info.ContainersRunning)
	fmt.Fprintln(out, "  Paused:", info.ContainersPaused)
	fmt.Fprintln(out, "  Stopped:", info.ContainersStopped)
	fmt.Fprintln(out, " Images:", info.Images)
	lineIf(out, " Server Version:", info.ServerVersion)
	lineIf(out, " Storage Driver:", info.Driver)
	for _, pair := range info.DriverStatus {
		fmt.Fprintf(out, "  %s: %s\n", pair[0], pair[1])
	}
	for _, pair := range info.SystemStatus {
		fmt.Fprintf(out, " %s: %s\n", pair[0], pair[1])
	}
	lineIf(out, " Logging Driver:", info.LoggingDriver)
	lineIf(out, " Cgroup Driver:", info.CgroupDriver)
	lineIf(out, " Cgroup Version:", info.CgroupVersion)
	fmt.Fprintln(out, " Plugins:")
	fmt.Fprintln(out, "  Volume:", strings.Join(info.Plugins.Volume, " "))
	fmt.Fprintln(out, "  Network:", strings.Join(info.Plugins.Network, " "))
	if len(info.Plugins.Authorization) != 0 {
		fmt.Fprintln(out, "  Authorization:", strings.Join(info.Plugins.Authorization, " "))
	}
	fmt.Fprintln(out, "  Log:", strings.Join(info.Plugins.Log, " "))
	if len(info.CDISpecDirs) > 0 {
		fmt.Fprintln(out, " CDI spec directories:")
		for _, dir := range info.CDISpecDirs {
			fmt.Fprintf(out, "  %s\n", dir)
		}
	}
	fmt.Fprintln(out, " Swarm:", info.Swarm.LocalNodeState)
	if len(info.Runtimes) > 0 {
		names := make([]string, 0, len(info.Runtimes))
		for name := range info.Runtimes {
			names = append(names, name)
		}
		// Docker ranges over a map here; sorting keeps berth's output stable.
		sort.Strings(names)
		fmt.Fprintln(out, " Runtimes:", strings.Join(names, " "))
		fmt.Fprintln(out, " Default Runtime:", info.DefaultRuntime)
	}
	if info.OSType == "linux" {
		printLinuxInfo(out, info)
	}
	printHostInfo(out, info, debugFlag)
	fmt.Fprintln(out)
	for _, w := range info.Warnings {
		fmt.Fprintln(errOut, w)
	}
}

func printLinuxInfo(out io.Writer, info *system.Info) {
	fmt.Fprintln(out, " Init Binary:", info.InitBinary)
	fmt.Fprintln(out, " containerd version:", info.ContainerdCommit.ID)
	fmt.Fprintln(out, " runc version:", info.RuncCommit.ID)
	fmt.Fprintln(out, " init version:", info.InitCommit.ID)
	if len(info.SecurityOptions) == 0 {
		return
	}
	fmt.Fprintln(out, " Security Options:")
	for _, so := range info.SecurityOptions {
		var name, profile string
		for _, kv := range strings.Split(so, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "name":
				name = v
			case "profile":
				profile = v
			}
		}
		if name == "" {
			name = so
		}
		fmt.Fprintln(out, "  "+name)
		if profile != "" {
			fmt.Fprintln(out, "   Profile:", profile)
		}
	}
}

func printHostInfo(out io.Writer, info *system.Info, debugFlag bool) {
	lineIf(out, " Kernel Version:", info.KernelVersion)
	lineIf(out, " Operating System:", info.OperatingSystem)
	lineIf(out, " OSType:", info.OSType)
	lineIf(out, " Architecture:", info.Architecture)
	fmt.Fprintln(out, " CPUs:", info.NCPU)
	fmt.Fprintln(out, " Total Memory:", units.BytesSize(float64(info.MemTotal)))
	lineIf(out, " Name:", info.Name)
	lineIf(out, " ID:", info.ID)
	fmt.Fprintln(out, " Docker Root Dir:", info.DockerRootDir)
	fmt.Fprintln(out, " Debug Mode:", info.Debug)
	if info.Debug || debugFlag {
		fmt.Fprintln(out, "  File Descriptors:", info.NFd)
		fmt.Fprintln(out, "  Goroutines:", info.NGoroutines)
		fmt.Fprintln(out, "  System Time:", info.SystemTime)
		fmt.Fprintln(out, "  EventsListeners:", info.NEventsListener)
	}
	lineIf(out, " HTTP Proxy:", info.HTTPProxy)
	lineIf(out, " HTTPS Proxy:", info.HTTPSProxy)
	lineIf(out, " No Proxy:", info.NoProxy)
	if len(info.Labels) > 0 {
		fmt.Fprintln(out, " Labels:")
		for _, l := range info.Labels {
			fmt.Fprintln(out, "  "+l)
		}
	}
	fmt.Fprintln(out, " Experimental:", info.ExperimentalBuild)
	if rc := info.RegistryConfig; rc != nil && (len(rc.InsecureRegistryCIDRs) > 0 || len(rc.IndexConfigs) > 0) {
		fmt.Fprintln(out, " Insecure Registries:")
		for _, ic := range rc.IndexConfigs {
			if !ic.Secure {
				fmt.Fprintln(out, "  "+ic.Name)
			}
		}
		for _, cidr := range rc.InsecureRegistryCIDRs {
			fmt.Fprintf(out, "  %s\n", cidr)
		}
	}
	if rc := info.RegistryConfig; rc != nil && len(rc.Mirrors) > 0 {
		fmt.Fprintln(out, " Registry Mirrors:")
		for _, m := range rc.Mirrors {
			fmt.Fprintln(out, "  "+m)
		}
	}
	fmt.Fprintln(out, " Live Restore Enabled:", info.LiveRestoreEnabled)
	if info.ProductLicense != "" {
		fmt.Fprintln(out, " Product License:", info.ProductLicense)
	}
	if len(info.DefaultAddressPools) > 0 {
		fmt.Fprintln(out, " Default Address Pools:")
		for _, p := range info.DefaultAddressPools {
			fmt.Fprintf(out, "   Base: %s, Size: %d\n", p.Base, p.Size)
		}
	}
}
