// Command berth-shim is the per-container process berthd launches: it
// creates the container through the OCI runtime, holds its stdio and log,
// serves the shim protocol on a unix socket and records the exit. See
// internal/shim.
package main

import (
	"fmt"
	"os"

	"github.com/berth/berth/internal/jsonlog"
	"github.com/berth/berth/internal/shim"
)

func main() {
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
