// Command man writes a man page for berth and for each of its subcommands
// (berth.1, berth-run.1, berth-network-create.1, ...), generated from the
// command tree itself so that the pages say what the flags are. `make man`
// runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/berth/berth/internal/cli"
	"github.com/berth/berth/internal/cli/command"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func main() {
	dir := flag.String("o", "man/man1", "directory to write the pages to")
	flag.Parse()
	if err := write(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "man:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c := command.New(os.Stdin, os.Stdout, os.Stderr)
	defer c.Close()
	root := cli.NewRootCommand(c)
	// cobra adds `help`, and `__complete` only when executing: neither is
	// a page a reader wants, nor are hidden commands and flags.
	root.SetHelpCommand(&cobra.Command{Hidden: true})
	root.DisableAutoGenTag = true
	// No Title: each page is then titled by its command (BERTH-RUN).
	header := &doc.GenManHeader{Section: "1", Source: "Berth", Manual: "Berth Manual"}
	if err := doc.GenManTreeFromOpts(root, doc.GenManTreeOptions{
		Header: header, Path: dir, CommandSeparator: "-",
	}); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".1") {
			n++
		}
	}
	fmt.Printf("man: %d pages in %s\n", n, dir)
	return nil
}
