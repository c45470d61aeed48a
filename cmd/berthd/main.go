// Command berthd is the Berth engine: it serves the Docker Engine API on a
// unix socket and runs the services behind it.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/berth/berth/internal/daemon"
	"github.com/berth/berth/internal/server"
	buildrouter "github.com/berth/berth/internal/server/router/build"
	checkrouter "github.com/berth/berth/internal/server/router/check"
	containerrouter "github.com/berth/berth/internal/server/router/container"
	distributionrouter "github.com/berth/berth/internal/server/router/distribution"
	imagerouter "github.com/berth/berth/internal/server/router/image"
	networkrouter "github.com/berth/berth/internal/server/router/network"
	systemrouter "github.com/berth/berth/internal/server/router/system"
	"github.com/berth/berth/internal/server/router/unsupported"
	volumerouter "github.com/berth/berth/internal/server/router/volume"
)

func main() {
	cfg, showVersion, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "berthd:", err)
		os.Exit(1)
	}
	if showVersion {
		fmt.Printf("Berth version %s\n", daemon.Version)
		return
	}
	setupLogging(cfg.LogLevel)
	if err := run(cfg); err != nil {
		slog.Error("berthd stopped", "error", err)
		fmt.Fprintln(os.Stderr, "berthd:", err)
		os.Exit(1)
	}
}

func run(cfg *daemonConfig) error {
	if os.Geteuid() != 0 {
		return errors.New("berthd needs to be started with root privileges")
	}
	if err := os.MkdirAll(cfg.ExecRoot, 0o700); err != nil {
		return err
	}
	ctx := context.Background()
	d, err := daemon.New(ctx, cfg.Config)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := writePidfile(cfg.Pidfile); err != nil {
		return err
	}
	defer os.Remove(cfg.Pidfile)

	srv, err := server.New(server.Config{Version: daemon.Version},
		systemrouter.NewRouter(d),
		checkrouter.NewRouter(d),
		imagerouter.NewRouter(d),
		containerrouter.NewRouter(d),
		buildrouter.NewRouter(d),
		distributionrouter.NewRouter(d),
		networkrouter.NewRouter(d.Networks()),
		volumerouter.NewRouter(d.Volumes()),
		unsupported.NewRouter(),
	)
	if err != nil {
		return err
	}
	tlsCfg, err := serverTLS(cfg.Config)
	if err != nil {
		return err
	}
	listeners, err := listenAll(cfg.Hosts, tlsCfg)
	if err != nil {
		return err
	}
	errc := make(chan error, len(listeners))
	for _, l := range listeners {
		go func() { errc <- srv.Serve(l) }()
	}
	slog.Info("berthd is ready", "version", daemon.Version, "data-root", cfg.DataRoot, "hosts", cfg.Hosts)

	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGTERM, syscall.SIGINT)
	select {
	case sig := <-sigc:
		slog.Info("shutting down", "signal", sig.String())
	case err := <-errc:
		if err != nil {
			return err
		}
	}
	shutdownCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		slog.Warn("shutdown did not finish cleanly", "error", err)
	}
	removeSockets(cfg.Hosts)
	return nil
}

func setupLogging(level string) {
	var l slog.Level
	switch level {
	case "debug":
		l = slog.LevelDebug
	case "warn":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	default:
		l = slog.LevelInfo
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l})))
}
