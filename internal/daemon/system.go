package daemon

import (
	"context"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/berth/berth/internal/backend"
	"github.com/berth/berth/internal/images"

	"github.com/berth/berth/internal/events"
	"github.com/berth/berth/internal/filters"
	"github.com/berth/berth/internal/sysinfo"
	apievents "github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/api/types/system"
)

// SystemInfo answers GET /info with real figures of this engine and host.
func (d *Daemon) SystemInfo(ctx context.Context) (*system.Info, error) {
	recs, err := d.images.List()
	if err != nil {
		return nil, err
	}
	host := sysinfo.Read()
	hostname, _ := os.Hostname()
	info := &system.Info{
		ID:                 d.id,
		Images:             len(recs),
		Driver:             images.StorageDriver,
		DriverStatus:       [][2]string{{"Backing Filesystem", sysinfo.FilesystemType(d.cfg.DataRoot)}, {"Supports d_type", "true"}},
		Debug:              d.cfg.LogLevel == "debug",
		NFd:                host.OpenFiles,
		NGoroutines:        runtime.NumGoroutine(),
		SystemTime:         time.Now().Format(time.RFC3339Nano),
		LoggingDriver:      "json-file",
		CgroupDriver:       "cgroupfs",
		CgroupVersion:      host.CgroupVersion,
		NEventsListener:    d.events.Subscribers(),
		KernelVersion:      host.KernelVersion,
		OperatingSystem:    host.OperatingSystem,
		OSVersion:          host.OSVersion,
		OSType:             "linux",
		Architecture:       host.Architecture,
		IndexServerAddress: "https://index.docker.io/v1/",
		NCPU:               runtime.NumCPU(),
		MemTotal:           host.MemTotal,
		DockerRootDir:      d.cfg.DataRoot,
		Name:               hostname,
		Labels:             append([]string{}, d.cfg.Labels...),
		ServerVersion:      Version,
		Runtimes:           map[string]system.RuntimeWithStatus{},
		HTTPProxy:          os.Getenv("HTTP_PROXY"),
		HTTPSProxy:         os.Getenv("HTTPS_PROXY"),
		NoProxy:            os.Getenv("NO_PROXY"),
		Warnings:           []string{},
	}
	info.Plugins.Log = []string{"json-file"}
	info.InitBinary = d.initPath
	info.LiveRestoreEnabled = true
	info.Swarm.LocalNodeState = swarm.LocalNodeStateInactive
	for name, rt := range d.runtimes {
		info.Runtimes[name] = system.RuntimeWithStatus{Runtime: system.Runtime{Path: rt.Path}}
	}
	info.SecurityOptions = d.securityOptions(host.CgroupVersion)
	info.DefaultRuntime = d.defaultRuntime
	if info.DefaultRuntime == "" {
		info.Warnings = append(info.Warnings, "WARNING: no OCI runtime (runc or crun) found on PATH")
	}
	return info, nil
}

// securityOptions lists, in Docker's notation, what every container gets
// unless it says otherwise: Docker's seccomp profile, a private cgroup
// namespace on cgroup v2 (the host's on v1) and the daemon's
// no-new-privileges. Berth has no AppArmor, SELinux, user namespace or
// rootless mode to report.
func (d *Daemon) securityOptions(cgroupVersion string) []string {
	opts := []string{"name=seccomp,profile=builtin"}
	if cgroupVersion == "2" {
		opts = append(opts, "name=cgroupns")
	}
	if d.cfg.NoNewPrivileges {
		opts = append(opts, "name=no-new-privileges")
	}
	return opts
}

// SystemVersion answers GET /version; the router adds the API versions.
func (d *Daemon) SystemVersion(ctx context.Context) system.VersionResponse {
	host := sysinfo.Read()
	v := system.VersionResponse{
		Platform:      struct{ Name string }{Name: "Berth"},
		Version:       Version,
		GoVersion:     runtime.Version(),
		Os:            runtime.GOOS,
		Arch:          runtime.GOARCH,
		KernelVersion: host.KernelVersion,
	}
	v.Components = []system.ComponentVersion{{Name: "Engine", Version: Version, Details: map[string]string{
		"GoVersion":     v.GoVersion,
		"Os":            v.Os,
		"Arch":          v.Arch,
		"KernelVersion": v.KernelVersion,
		"Experimental":  "false",
		"GitCommit":     GitCommit,
		"BuildTime":     BuildTime,
	}}}
	v.GitCommit, v.BuildTime = GitCommit, BuildTime
	return v
}

// SystemDiskUsage reports what images (and, later, containers and volumes)
// take on disk.
func (d *Daemon) SystemDiskUsage(ctx context.Context, opts backend.DiskUsageOptions) (*backend.DiskUsage, error) {
	du := &backend.DiskUsage{}
	if opts.Volumes {
		vols, err := d.volumes.Usage()
		if err != nil {
			return nil, err
		}
		du.Volumes = vols
	}
	if !opts.Images {
		return du, nil
	}
	sums, layers, err := d.DiskUsage(ctx)
	if err != nil {
		return nil, err
	}
	du.Images, du.LayersSize = sums, layers
	return du, nil
}

// SubscribeToEvents gives the buffered events in [since, until] matching f
// and a channel of live ones matching f.
func (d *Daemon) SubscribeToEvents(since, until time.Time, f filters.Args) ([]apievents.Message, <-chan apievents.Message, func()) {
	past, live, cancel := d.events.Subscribe()
	var out []apievents.Message
	for _, m := range past {
		t := time.Unix(0, m.TimeNano)
		if (!since.IsZero() && t.Before(since)) || (!until.IsZero() && t.After(until)) {
			continue
		}
		if events.Match(m, f) {
			out = append(out, m)
		}
	}
	filtered := make(chan apievents.Message, 64)
	done := make(chan struct{})
	go func() {
		defer close(filtered)
		for m := range live {
			if !events.Match(m, f) {
				continue
			}
			select {
			case filtered <- m:
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return out, filtered, func() { once.Do(func() { close(done); cancel() }) }
}
