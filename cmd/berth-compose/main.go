// Command berth-compose is `berth compose`: Docker Compose's own commands
// (the Compose SDK) talking to berthd. berth runs it with its arguments, as
// the docker CLI runs its compose plugin, so that no other berth command
// pays for loading the SDK.
package main

import (
	"context"
	"os"

	"github.com/berth/berth/internal/compose"
)

func main() {
	os.Exit(compose.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
