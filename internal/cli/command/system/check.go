package system

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/cobra"
)

// checkReport is the body of Berth's /berth/check, as the CLI reads it.
type checkReport struct {
	Checked  []string
	Problems []struct {
		Area, Subject, Problem string
		Repaired               bool
		RepairError            string
	}
}

// NewCheckCommand returns `system check`, Berth's own: the store check of
// the daemon (GET /berth/check; POST with repair=1 for --repair). It exits
// 1 when it found problems, repaired or not, so scripts see that there were.
func NewCheckCommand(cli *command.Cli) *cobra.Command {
	var repair bool
	cmd := &cobra.Command{
		Use:   "check [OPTIONS]",
		Short: "Check the daemon's stores: images, containers, networks, volumes",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := fetchCheck(cmd.Context(), cli, repair)
			if err != nil {
				return err
			}
			return printCheck(cli.Out(), rep, repair)
		},
	}
	cmd.Flags().BoolVar(&repair, "repair", false, "Repair what can be repaired safely, and say what was done")
	return cmd
}

func fetchCheck(ctx context.Context, cli *command.Cli, repair bool) (*checkReport, error) {
	api, err := cli.Client()
	if err != nil {
		return nil, err
	}
	// The route is Berth's, so the client library has no call for it:
	// the request goes over the client's own connection to the daemon.
	dial := api.Dialer()
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return dial(ctx) }}}
	method, url := http.MethodGet, "http://berth/berth/check"
	if repair {
		method, url = http.MethodPost, url+"?repair=1"
	}
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("the daemon at %s has no store check (not a berthd?)", cli.Host())
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("store check: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	var rep checkReport
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		return nil, fmt.Errorf("store check: %w", err)
	}
	return &rep, nil
}

func printCheck(out io.Writer, rep *checkReport, repair bool) error {
	for _, p := range rep.Problems {
		line := fmt.Sprintf("%s: %s: %s", p.Area, p.Subject, p.Problem)
		switch {
		case p.Repaired:
			line += " (repaired)"
		case p.RepairError != "":
			line += " (repair failed: " + p.RepairError + ")"
		case repair:
			line += " (not repaired: needs a decision)"
		}
		fmt.Fprintln(out, line)
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintf(out, "No problems found (checked %s)\n", strings.Join(rep.Checked, ", "))
		return nil
	}
	return command.StatusError{Status: fmt.Sprintf("%d problems found", len(rep.Problems)), Code: 1}
}
