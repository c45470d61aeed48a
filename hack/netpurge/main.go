// Command netpurge removes the bridges and nftables table of a stopped
// berthd's data root, for benchmarks that throw the data root away.
package main

import (
	"fmt"
	"os"

	"github.com/berth/berth/internal/testutil"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: netpurge DATA-ROOT")
		os.Exit(2)
	}
	if err := testutil.PurgeNetworks(os.Args[1], ""); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
