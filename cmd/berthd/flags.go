package main

import (
	"github.com/berth/berth/internal/config"
	"github.com/spf13/pflag"
)

// daemonConfig is the finished configuration: file, then flags on top.
type daemonConfig struct {
	*config.Config
}

// parseFlags reads dockerd-named flags. A flag given on the command line
// overrides the config file's value; one not given leaves it alone.
func parseFlags(args []string) (*daemonConfig, bool, error) {
	fs := pflag.NewFlagSet("berthd", pflag.ContinueOnError)
	configFile := fs.String("config-file", "", "Daemon configuration file (JSON, dockerd's daemon.json keys)")
	dataRoot := fs.String("data-root", "", "Root directory of persistent Berth state (default /var/lib/berth)")
	execRoot := fs.String("exec-root", "", "Root directory for execution state files (default /run/berth)")
	hosts := fs.StringArrayP("host", "H", nil, "Daemon socket(s) to listen on (unix:///path or tcp://host:port)")
	pidfile := fs.String("pidfile", "", "Path to use for the daemon PID file (default <exec-root>/berthd.pid)")
	logLevel := fs.StringP("log-level", "l", "", `Set the logging level ("debug"|"info"|"warn"|"error")`)
	debug := fs.BoolP("debug", "D", false, "Enable debug mode")
	defaultRuntime := fs.String("default-runtime", "", "Default OCI runtime for containers (crun or runc; default: the first that works here)")
	initPath := fs.String("init-path", "", "Path to the docker-init binary (default: docker-init or tini-static on PATH)")
	version := fs.BoolP("version", "v", false, "Print version information and quit")
	var labels []string
	fs.StringArrayVar(&labels, "label", nil, "Set key=value labels on the daemon")
	var insecure []string
	fs.StringArrayVar(&insecure, "insecure-registry", nil, "Enable insecure registry communication (host[:port] or CIDR)")
	bridge := fs.StringP("bridge", "b", "", "Attach containers to a network bridge (default: derived from the data root)")
	bip := fs.String("bip", "", "Specify the default bridge's IP address and prefix (e.g. 172.17.0.1/16)")
	noNewPrivileges := fs.Bool("no-new-privileges", false, "Set no-new-privileges by default for new containers")
	ipForward := fs.Bool("ip-forward", true, "Enable net.ipv4.ip_forward")
	var dns, pools []string
	fs.StringArrayVar(&dns, "dns", nil, "DNS server to use")
	fs.StringArrayVar(&pools, "default-address-pool", nil, "Default address pools for new networks (base=CIDR,size=N)")
	useTLS := fs.Bool("tls", false, "Use TLS; implied by --tlsverify")
	tlsVerify := fs.Bool("tlsverify", false, "Use TLS and verify the remote")
	tlsCA := fs.String("tlscacert", "", "Trust certs signed only by this CA (default ~/.docker/ca.pem)")
	tlsCert := fs.String("tlscert", "", "Path to TLS certificate file (default ~/.docker/cert.pem)")
	tlsKey := fs.String("tlskey", "", "Path to TLS key file (default ~/.docker/key.pem)")
	if err := fs.Parse(args); err != nil {
		return nil, false, err
	}
	cfg, err := config.Load(*configFile)
	if err != nil {
		return nil, false, err
	}
	fs.Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "data-root":
			cfg.DataRoot = *dataRoot
		case "exec-root":
			cfg.ExecRoot = *execRoot
		case "host":
			cfg.Hosts = *hosts
		case "pidfile":
			cfg.Pidfile = *pidfile
		case "log-level":
			cfg.LogLevel = *logLevel
		case "debug":
			cfg.Debug = *debug
		case "default-runtime":
			cfg.DefaultRuntime = *defaultRuntime
		case "init-path":
			cfg.InitPath = *initPath
		case "label":
			cfg.Labels = labels
		case "bridge":
			cfg.Bridge = *bridge
		case "bip":
			cfg.BIP = *bip
		case "no-new-privileges":
			cfg.NoNewPrivileges = *noNewPrivileges
		case "ip-forward":
			cfg.IPForward = ipForward
		case "dns":
			cfg.DNS = dns
		case "default-address-pool":
			cfg.DefaultAddressPools = nil
			for _, p := range pools {
				cfg.DefaultAddressPools = append(cfg.DefaultAddressPools, parseAddressPool(p))
			}
		case "tls":
			cfg.TLS = useTLS
		case "tlsverify":
			cfg.TLSVerify = tlsVerify
		case "tlscacert":
			cfg.TLSCACert = *tlsCA
		case "tlscert":
			cfg.TLSCert = *tlsCert
		case "tlskey":
			cfg.TLSKey = *tlsKey
		case "insecure-registry":
			cfg.InsecureRegistries = append(cfg.InsecureRegistries, insecure...)
		}
	})
	if err := cfg.Finish(); err != nil {
		return nil, false, err
	}
	return &daemonConfig{cfg}, *version, nil
}
