package container

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	units "github.com/docker/go-units"
	"github.com/moby/go-archive"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type cpOptions struct {
	archive, followLink, quiet bool
}

// NewCpCommand returns `cp`.
func NewCpCommand(cli *command.Cli) *cobra.Command {
	var opts cpOptions
	cmd := &cobra.Command{
		Use:   "cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
		Short: "Copy files/folders between a container and the local filesystem",
		Long: "Copy files/folders between a container and the local filesystem\n\n" +
			"Use '-' as the source to read a tar archive from stdin\n" +
			"and extract it to a directory destination in a container.\n" +
			"Use '-' as the destination to stream a tar archive of a\n" +
			"container source to stdout.",
		Args: command.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCp(cmd.Context(), cli, opts, args[0], args[1])
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&opts.archive, "archive", "a", false, "Archive mode (copy all uid/gid information)")
	flags.BoolVarP(&opts.followLink, "follow-link", "L", false, "Always follow symbol link in SRC_PATH")
	flags.BoolVarP(&opts.quiet, "quiet", "q", false, "Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached")
	return cmd
}

// splitCpArg reads CONTAINER:PATH; a path that starts like a local one
// (absolute, or ./) is local even if it holds a colon.
func splitCpArg(arg string) (ctr, path string) {
	if filepath.IsAbs(arg) || strings.HasPrefix(arg, ".") {
		return "", arg
	}
	ctr, path, ok := strings.Cut(arg, ":")
	if !ok {
		return "", arg
	}
	return ctr, path
}

func runCp(ctx context.Context, cli *command.Cli, opts cpOptions, src, dst string) error {
	srcCtr, srcPath := splitCpArg(src)
	dstCtr, dstPath := splitCpArg(dst)
	switch {
	case srcCtr == "" && dstCtr == "":
		return errors.New("must specify at least one container source")
	case srcCtr != "" && dstCtr != "":
		return errors.New("copying between containers is not supported")
	case srcCtr != "" && srcPath == "":
		return errors.New("source can not be empty")
	case dstCtr != "" && dstPath == "":
		return errors.New("destination can not be empty")
	}
	api, err := cli.Client()
	if err != nil {
		return err
	}
	if srcCtr != "" {
		return copyFrom(ctx, cli, api, opts, srcCtr, srcPath, dstPath)
	}
	return copyTo(ctx, cli, api, opts, srcPath, dstCtr, dstPath)
}

// copyFrom fetches srcPath as a tar and writes it to stdout ("-") or
// unpacks it at dstPath with docker's naming rules.
func copyFrom(ctx context.Context, cli *command.Cli, api *client.Client, opts cpOptions, ctr, srcPath, dstPath string) error {
	if dstPath != "-" {
		abs, err := filepath.Abs(dstPath)
		if err != nil {
			return err
		}
		dstPath = archive.PreserveTrailingDotOrSeparator(abs, dstPath)
	}
	rebase := ""
	if opts.followLink {
		st, err := api.ContainerStatPath(ctx, ctr, client.ContainerStatPathOptions{Path: srcPath})
		if err == nil && st.Stat.Mode&os.ModeSymlink != 0 {
			target := st.Stat.LinkTarget
			if !filepath.IsAbs(target) {
				parent, _ := archive.SplitPathDirEntry(srcPath)
				target = filepath.Join(parent, target)
			}
			srcPath, rebase = archive.GetRebaseName(srcPath, target)
		}
	}
	res, err := api.CopyFromContainer(ctx, ctr, client.CopyFromContainerOptions{SourcePath: srcPath})
	if err != nil {
		return err
	}
	defer res.Content.Close()
	if dstPath == "-" {
		_, err := io.Copy(cli.Out(), res.Content)
		return err
	}
	info := archive.CopyInfo{Path: srcPath, Exists: true, IsDir: res.Stat.Mode.IsDir(), RebaseName: rebase}
	counted := &countingReader{r: res.Content}
	var content io.Reader = counted
	if rebase != "" {
		_, base := archive.SplitPathDirEntry(srcPath)
		content = archive.RebaseArchiveEntries(counted, base, rebase)
	}
	if err := archive.CopyTo(content, info, dstPath); err != nil {
		return err
	}
	reportCopy(cli, opts, counted.n, dstPath)
	return nil
}

// copyTo sends srcPath (or a tar on stdin for "-") into the container.
func copyTo(ctx context.Context, cli *command.Cli, api *client.Client, opts cpOptions, srcPath, ctr, dstPath string) error {
	dst := archive.CopyInfo{Path: dstPath}
	st, err := api.ContainerStatPath(ctx, ctr, client.ContainerStatPathOptions{Path: dstPath})
	if err == nil && st.Stat.Mode&os.ModeSymlink != 0 {
		target := st.Stat.LinkTarget
		if !filepath.IsAbs(target) {
			parent, _ := archive.SplitPathDirEntry(dstPath)
			target = filepath.Join(parent, target)
		}
		dst.Path = target
		st, err = api.ContainerStatPath(ctx, ctr, client.ContainerStatPathOptions{Path: target})
	}
	if err == nil {
		if m := st.Stat.Mode; m&(os.ModeDevice|os.ModeNamedPipe|os.ModeSocket|os.ModeCharDevice) != 0 {
			return fmt.Errorf(`destination "%s:%s" must be a directory or a regular file`, ctr, dstPath)
		}
		dst.Exists, dst.IsDir = true, st.Stat.Mode.IsDir()
	}
	var (
		content io.Reader
		target  string
	)
	if srcPath == "-" {
		if !dst.IsDir {
			return fmt.Errorf(`destination "%s:%s" must be a directory`, ctr, dstPath)
		}
		content, target = cli.In(), dst.Path
	} else {
		src, err := archive.CopyInfoSourcePath(srcPath, opts.followLink)
		if err != nil {
			return err
		}
		tarball, err := archive.TarResource(src)
		if err != nil {
			return err
		}
		defer tarball.Close()
		dir, prepared, err := archive.PrepareArchiveCopy(tarball, src, dst)
		if err != nil {
			return err
		}
		defer prepared.Close()
		content, target = prepared, dir
	}
	counted := &countingReader{r: content}
	_, err = api.CopyToContainer(ctx, ctr, client.CopyToContainerOptions{
		DestinationPath: target, Content: counted, CopyUIDGID: opts.archive,
	})
	if err != nil {
		return err
	}
	reportCopy(cli, opts, counted.n, ctr+":"+dstPath)
	return nil
}

// reportCopy tells a person at a terminal how much was copied.
func reportCopy(cli *command.Cli, opts cpOptions, n int64, dst string) {
	if _, isTerm := terminalFd(cli.Err()); opts.quiet || !isTerm {
		return
	}
	fmt.Fprintf(cli.Err(), "Successfully copied %s to %s\n", units.HumanSize(float64(n)), dst)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
