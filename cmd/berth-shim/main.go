// Command berth-shim is the per-container process berthd launches: it
// creates the container through the OCI runtime, holds its stdio and log,
// serves the shim protocol on a unix socket and records the exit. Run as
// `berth-shim delete <flags>` it instead removes the runtime state of a
// container whose shim is gone, and exits. See internal/shim.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/berth/berth/internal/jsonlog"
	"github.com/berth/berth/internal/shim"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == shim.DeleteMode {
		if err := deleteState(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	cfg, err := shim.ParseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "berth-shim:", err)
		os.Exit(2)
	}
	cfg.OpenLog = func(path string, maxSize int64, maxFiles int) (shim.LogWriter, error) {
		return jsonlog.NewWriter(path, jsonlog.Options{MaxSize: maxSize, MaxFiles: maxFiles})
	}
	if err := shim.Serve(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "berth-shim:", err)
		os.Exit(1)
	}
}

// deleteState runs delete mode; its error text is what the caller shows.
func deleteState(args []string) error {
	cfg, err := shim.ParseDeleteFlags(args)
	if err != nil {
		return err
	}
	// The caller bounds the whole run; this only keeps a stuck runtime
	// from leaving the process behind.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return shim.DeleteState(ctx, cfg)
}
