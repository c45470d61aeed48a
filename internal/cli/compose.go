package cli

import (
	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/compose"
	"github.com/spf13/cobra"
)

// newComposeCommand is `berth compose`, Docker Compose itself; it talks to
// the daemon c's -H / DOCKER_HOST resolution picks.
func newComposeCommand(c *command.Cli) *cobra.Command {
	cmd, err := compose.NewCommand(c.Host, compose.Streams{In: c.In(), Out: c.Out(), ErrOut: c.Err()})
	if err != nil {
		// Only a broken environment gets here; say so when compose is used.
		return &cobra.Command{
			Use:                "compose",
			Short:              "Docker Compose",
			DisableFlagParsing: true,
			RunE:               func(*cobra.Command, []string) error { return err },
		}
	}
	return cmd
}
