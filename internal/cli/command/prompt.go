package command

import (
	"bufio"
	"fmt"
	"strings"
)

// Confirm asks a yes/no question on stdout, as docker does before pruning,
// and reads the answer from stdin; only "y" or "Y" is a yes.
func Confirm(cli *Cli, message string) bool {
	fmt.Fprint(cli.Out(), message+" [y/N] ")
	sc := bufio.NewScanner(cli.In())
	if !sc.Scan() {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(sc.Text()), "y")
}
