package container

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/pflag"
)

// containerOptions are the flags shared by create and run.
type containerOptions struct {
	attach, envFile, labels, capAdd, capDrop, securityOpt  command.ListOpt
	env                                                    envList
	devices, tmpfs, volumes, publish, expose, addHost, dns command.ListOpt
	groupAdd, volumesFrom, logOpt, aliases, links          command.ListOpt
	sysctls, ulimits, mounts, networks                     namedList

	stdin, tty, init, privileged, readOnly, publishAll, quiet bool
	oomKillDisable                                            bool
	health                                                    healthOptions

	name, workdir, user, entrypoint, hostname, domainname, stopSignal string
	restart, cpusetCpus, cpusetMems, pid, ipc, uts, userns, cgroupns  string
	runtime, pull, platform, logDriver, cidFile                       string
	ipv4, ipv6                                                        string

	stopTimeout, pidsLimit, cpuShares  int64
	memory, memoryReservation, shmSize memBytes
	memorySwap                         swapBytes
	cpus                               nanoCPUs

	image string
	args  []string
}

func newContainerOptions() *containerOptions {
	return &containerOptions{
		sysctls:  namedList{typ: "map"},
		ulimits:  namedList{typ: "ulimit"},
		mounts:   namedList{typ: "mount"},
		networks: namedList{typ: "network"},
	}
}

// addFlags declares docker's create/run flags that berth implements.
func (o *containerOptions) addFlags(flags *pflag.FlagSet) {
	flags.SetInterspersed(false)
	flags.VarP(&o.attach, "attach", "a", "Attach to STDIN, STDOUT or STDERR")
	flags.VarP(&o.env, "env", "e", "Set environment variables")
	flags.Var(&o.envFile, "env-file", "Read in a file of environment variables")
	flags.VarP(&o.labels, "label", "l", "Set meta data on a container")
	flags.Var(&o.capAdd, "cap-add", "Add Linux capabilities")
	flags.Var(&o.capDrop, "cap-drop", "Drop Linux capabilities")
	flags.Var(&o.securityOpt, "security-opt", "Security Options")
	flags.Var(&o.devices, "device", "Add a host device to the container")
	flags.Var(&o.tmpfs, "tmpfs", "Mount a tmpfs directory")
	flags.VarP(&o.volumes, "volume", "v", "Bind mount a volume")
	flags.Var(&o.volumesFrom, "volumes-from", "Mount volumes from the specified container(s)")
	flags.VarP(&o.publish, "publish", "p", "Publish a container's port(s) to the host")
	flags.BoolVarP(&o.publishAll, "publish-all", "P", false, "Publish all exposed ports to random ports")
	flags.Var(&o.expose, "expose", "Expose a port or a range of ports")
	flags.Var(&o.addHost, "add-host", "Add a custom host-to-IP mapping (host:ip)")
	flags.Var(&o.dns, "dns", "Set custom DNS servers")
	flags.Var(&o.groupAdd, "group-add", "Add additional groups to join")
	flags.Var(&o.sysctls, "sysctl", "Sysctl options")
	flags.Var(&o.ulimits, "ulimit", "Ulimit options")
	flags.Var(&o.mounts, "mount", "Attach a filesystem mount to the container")
	flags.Var(&o.networks, "network", "Connect a container to a network")
	flags.Var(&o.networks, "net", "Connect a container to a network")
	_ = flags.MarkHidden("net")
	flags.Var(&o.aliases, "network-alias", "Add network-scoped alias for the container")
	flags.Var(&o.aliases, "net-alias", "Add network-scoped alias for the container")
	_ = flags.MarkHidden("net-alias")
	flags.Var(&o.links, "link", "Add link to another container")
	flags.StringVar(&o.ipv4, "ip", "", "IPv4 address (e.g., 172.30.100.104)")
	flags.StringVar(&o.ipv6, "ip6", "", "IPv6 address (e.g., 2001:db8::33)")
	flags.StringVar(&o.logDriver, "log-driver", "", "Logging driver for the container")
	flags.Var(&o.logOpt, "log-opt", "Log driver options")

	flags.BoolVarP(&o.stdin, "interactive", "i", false, "Keep STDIN open even if not attached")
	flags.BoolVarP(&o.tty, "tty", "t", false, "Allocate a pseudo-TTY")
	flags.BoolVar(&o.init, "init", false, "Run an init inside the container that forwards signals and reaps processes")
	flags.BoolVar(&o.privileged, "privileged", false, "Give extended privileges to this container")
	flags.BoolVar(&o.readOnly, "read-only", false, "Mount the container's root filesystem as read only")
	flags.BoolVarP(&o.quiet, "quiet", "q", false, "Suppress the pull output")
	o.health.addFlags(flags)
	flags.BoolVar(&o.oomKillDisable, "oom-kill-disable", false, "Disable OOM Killer")

	flags.StringVar(&o.name, "name", "", "Assign a name to the container")
	flags.StringVarP(&o.workdir, "workdir", "w", "", "Working directory inside the container")
	flags.StringVarP(&o.user, "user", "u", "", "Username or UID (format: <name|uid>[:<group|gid>])")
	flags.StringVar(&o.entrypoint, "entrypoint", "", "Overwrite the default ENTRYPOINT of the image")
	flags.StringVarP(&o.hostname, "hostname", "h", "", "Container host name")
	flags.StringVar(&o.domainname, "domainname", "", "Container NIS domain name")
	flags.StringVar(&o.stopSignal, "stop-signal", "", "Signal to stop the container")
	flags.Int64Var(&o.stopTimeout, "stop-timeout", 0, "Timeout (in seconds) to stop a container")
	flags.StringVar(&o.restart, "restart", "no", "Restart policy to apply when a container exits")
	flags.StringVar(&o.cidFile, "cidfile", "", "Write the container ID to the file")

	flags.VarP(&o.memory, "memory", "m", "Memory limit")
	flags.Var(&o.memoryReservation, "memory-reservation", "Memory soft limit")
	flags.Var(&o.memorySwap, "memory-swap", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
	flags.Var(&o.cpus, "cpus", "Number of CPUs")
	flags.Int64VarP(&o.cpuShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	flags.StringVar(&o.cpusetCpus, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	flags.StringVar(&o.cpusetMems, "cpuset-mems", "", "MEMs in which to allow execution (0-3, 0,1)")
	flags.Int64Var(&o.pidsLimit, "pids-limit", 0, "Tune container pids limit (set -1 for unlimited)")
	flags.Var(&o.shmSize, "shm-size", "Size of /dev/shm")

	flags.StringVar(&o.pid, "pid", "", "PID namespace to use")
	flags.StringVar(&o.ipc, "ipc", "", "IPC mode to use")
	flags.StringVar(&o.uts, "uts", "", "UTS namespace to use")
	flags.StringVar(&o.userns, "userns", "", "User namespace to use")
	flags.StringVar(&o.cgroupns, "cgroupns", "", "Cgroup namespace to use (host|private)")
	flags.StringVar(&o.runtime, "runtime", "", "Runtime to use for this container")
	flags.StringVar(&o.pull, "pull", "missing", `Pull image before running ("always", "missing", "never")`)
	flags.StringVar(&o.platform, "platform", "", "Set platform if server is multi-platform capable")
}
