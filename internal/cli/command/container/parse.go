package container

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/strslice"
	"github.com/spf13/pflag"
)

// createRequest is what create and run send to the daemon.
type createRequest struct {
	config     *container.Config
	host       *container.HostConfig
	networking *network.NetworkingConfig
}

// parse turns the flags into the create request, as docker's CLI builds it.
func (o *containerOptions) parse(flags *pflag.FlagSet) (*createRequest, error) {
	attach := map[string]bool{}
	for _, s := range o.attach.Values() {
		s = strings.ToLower(s)
		if s != "stdin" && s != "stdout" && s != "stderr" {
			return nil, fmt.Errorf("invalid argument %q for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR", s)
		}
		attach[s] = true
	}
	if len(attach) == 0 {
		attach["stdout"], attach["stderr"] = true, true
	}
	if o.stdin {
		attach["stdin"] = true
	}
	env, err := o.environment()
	if err != nil {
		return nil, err
	}
	exposed, bindings, err := parsePorts(o.publish.Values(), o.expose.Values())
	if err != nil {
		return nil, err
	}
	binds, anonymous := splitVolumes(o.volumes.Values())
	mounts, err := parseMounts(o.mounts.Values())
	if err != nil {
		return nil, err
	}
	devices, err := parseDevices(o.devices.Values(), o.privileged)
	if err != nil {
		return nil, err
	}
	ulimits, err := parseUlimits(o.ulimits.Values())
	if err != nil {
		return nil, err
	}
	secOpts, err := parseSecurityOpts(o.securityOpt.Values())
	if err != nil {
		return nil, err
	}
	restart, err := parseRestart(o.restart)
	if err != nil {
		return nil, err
	}
	cfg := &container.Config{
		Hostname:     o.hostname,
		Domainname:   o.domainname,
		User:         o.user,
		AttachStdin:  attach["stdin"],
		AttachStdout: attach["stdout"],
		AttachStderr: attach["stderr"],
		ExposedPorts: exposed,
		Tty:          o.tty,
		OpenStdin:    o.stdin,
		Env:          env,
		Image:        o.image,
		Volumes:      anonymous,
		WorkingDir:   o.workdir,
		Labels:       labelMap(o.labels.Values()),
		StopSignal:   o.stopSignal,
	}
	if len(o.args) > 0 {
		cfg.Cmd = strslice.StrSlice(o.args)
	}
	if flags.Changed("entrypoint") {
		// An empty --entrypoint resets the image's entrypoint.
		cfg.Entrypoint = strslice.StrSlice{}
		if o.entrypoint != "" {
			cfg.Entrypoint = strslice.StrSlice{o.entrypoint}
		}
	}
	if flags.Changed("stop-timeout") {
		t := int(o.stopTimeout)
		cfg.StopTimeout = &t
	}
	if cfg.Healthcheck, err = o.health.config(); err != nil {
		return nil, err
	}
	if cfg.OpenStdin && cfg.AttachStdin {
		// An attached stdin closes when its client goes, as in docker.
		cfg.StdinOnce = true
	}
	host := &container.HostConfig{
		Binds:           binds,
		ContainerIDFile: o.cidFile,
		NetworkMode:     container.NetworkMode(networkMode(o.networks.Values())),
		PortBindings:    bindings,
		RestartPolicy:   restart,
		VolumesFrom:     o.volumesFrom.Values(),
		CapAdd:          o.capAdd.Values(),
		CapDrop:         o.capDrop.Values(),
		ExtraHosts:      o.addHost.Values(),
		GroupAdd:        o.groupAdd.Values(),
		IpcMode:         container.IpcMode(o.ipc),
		PidMode:         container.PidMode(o.pid),
		UTSMode:         container.UTSMode(o.uts),
		UsernsMode:      container.UsernsMode(o.userns),
		CgroupnsMode:    container.CgroupnsMode(o.cgroupns),
		Privileged:      o.privileged,
		PublishAllPorts: o.publishAll,
		ReadonlyRootfs:  o.readOnly,
		SecurityOpt:     secOpts,
		Tmpfs:           parseTmpfs(o.tmpfs.Values()),
		ShmSize:         int64(o.shmSize),
		Sysctls:         keyValues(o.sysctls.Values()),
		Runtime:         o.runtime,
		Mounts:          mounts,
		LogConfig:       container.LogConfig{Type: o.logDriver, Config: keyValues(o.logOpt.Values())},
		Resources: container.Resources{
			CPUShares:         o.cpuShares,
			Memory:            int64(o.memory),
			MemoryReservation: int64(o.memoryReservation),
			MemorySwap:        int64(o.memorySwap),
			NanoCPUs:          int64(o.cpus),
			CpusetCpus:        o.cpusetCpus,
			CpusetMems:        o.cpusetMems,
			Devices:           devices,
			Ulimits:           ulimits,
		},
	}
	if o.oomKillDisable {
		host.OomKillDisable = &o.oomKillDisable
	}
	if flags.Changed("pids-limit") {
		host.PidsLimit = &o.pidsLimit
	}
	if flags.Changed("init") {
		host.Init = &o.init
	}
	for _, d := range o.dns.Values() {
		addr, err := parseAddr(d)
		if err != nil {
			return nil, err
		}
		host.DNS = append(host.DNS, addr)
	}
	host.Links = o.links.Values()
	networking, err := o.networkingConfig(host.NetworkMode)
	if err != nil {
		return nil, err
	}
	return &createRequest{config: cfg, host: host, networking: networking}, nil
}

// networkMode is the first --network value; docker's default is "default".
func networkMode(networks []string) string {
	if len(networks) == 0 {
		return "default"
	}
	return networks[0]
}

// parseRestart reads POLICY[:MAX_RETRIES]; the daemon judges the policy
// name, as with docker.
func parseRestart(s string) (container.RestartPolicy, error) {
	var p container.RestartPolicy
	if s == "" {
		return p, nil
	}
	name, count, hasCount := strings.Cut(s, ":")
	if hasCount && name == "" {
		return p, errors.New("invalid restart policy format: no policy provided before colon")
	}
	if count != "" {
		n, err := strconv.Atoi(count)
		if err != nil {
			return p, errors.New("invalid restart policy format: maximum retry count must be an integer")
		}
		p.MaximumRetryCount = n
	}
	p.Name = container.RestartPolicyMode(name)
	return p, nil
}

// labelMap reads "k=v" labels; a bare key gets an empty value.
func labelMap(labels []string) map[string]string {
	m := keyValues(labels)
	if m == nil {
		return map[string]string{}
	}
	return m
}
