// Command berth is the docker-compatible command-line client for berthd.
package main

import (
	"context"
	"os"

	"github.com/berth/berth/internal/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
