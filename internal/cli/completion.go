package cli

import (
	"context"
	"io"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// newCompletionCommand is docker's `completion` command, hidden from help
// as docker's is: cobra's script for each shell. The scripts ask
// `berth __complete` for candidates, so command names, flags and the names
// of containers, images, networks and volumes all complete.
func newCompletionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion COMMAND",
		Short: "Generate the autocompletion script for the specified shell",
		Long: "Generate the autocompletion script for berth for the specified shell.\n" +
			"See each sub-command's help for details on how to use the generated script.",
		// Not runnable: docker prints this help on stdout, with any
		// argument, and exits 0.
		Hidden: true,
	}
	shells := []struct {
		name, how string
		gen       func(root *cobra.Command, w io.Writer) error
	}{
		{"bash", "source <(berth completion bash), or write it to /etc/bash_completion.d/berth",
			func(r *cobra.Command, w io.Writer) error { return r.GenBashCompletionV2(w, true) }},
		{"fish", "berth completion fish > ~/.config/fish/completions/berth.fish",
			func(r *cobra.Command, w io.Writer) error { return r.GenFishCompletion(w, true) }},
		{"powershell", "berth completion powershell | Out-String | Invoke-Expression",
			func(r *cobra.Command, w io.Writer) error { return r.GenPowerShellCompletionWithDesc(w) }},
		{"zsh", `berth completion zsh > "${fpath[1]}/_berth"`,
			func(r *cobra.Command, w io.Writer) error { return r.GenZshCompletion(w) }},
	}
	for _, sh := range shells {
		gen := sh.gen
		cmd.AddCommand(&cobra.Command{
			Use:               sh.name,
			Short:             "Generate the autocompletion script for " + sh.name,
			Long:              "Generate the autocompletion script for " + sh.name + ". To load it:\n\n  " + sh.how,
			Args:              command.NoArgs,
			ValidArgsFunction: cobra.NoFileCompletions,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return gen(cmd.Root(), cmd.OutOrStdout())
			},
		})
	}
	return cmd
}

// nameKind is a kind of object whose names complete an argument.
type nameKind int

const (
	noNames nameKind = iota
	containerNames
	imageNames
	networkNames
	volumeNames
)

// argKinds reads what each positional argument names from a command's
// usage line ("connect [OPTIONS] NETWORK CONTAINER"), and whether the last
// one repeats ("[CONTAINER...]").
func argKinds(use string) (kinds []nameKind, repeats bool) {
	fields := strings.Fields(use)
	if len(fields) < 2 {
		return nil, false
	}
	for _, f := range fields[1:] {
		if f == "[OPTIONS]" {
			continue
		}
		repeats = strings.HasSuffix(strings.TrimSuffix(f, "]"), "...")
		if repeats && len(kinds) > 0 && strings.HasPrefix(f, "[") {
			continue // [CONTAINER...] repeats the argument before it
		}
		word := strings.Trim(f, "[]")
		word = strings.TrimSuffix(word, "...")
		if i := strings.IndexAny(word, ":[|@"); i >= 0 {
			word = word[:i]
		}
		kinds = append(kinds, kindOf(word))
	}
	return kinds, repeats
}

func kindOf(word string) nameKind {
	switch word {
	case "CONTAINER":
		return containerNames
	case "IMAGE", "SOURCE_IMAGE", "REPOSITORY", "NAME":
		return imageNames
	case "NETWORK":
		return networkNames
	case "VOLUME":
		return volumeNames
	}
	return noNames
}

// addNameCompletion gives every command whose arguments name objects a
// completion function that asks the daemon for their names.
func addNameCompletion(cmd *cobra.Command, c *command.Cli) {
	if cmd.ValidArgsFunction == nil && cmd.Runnable() {
		kinds, repeats := argKinds(cmd.Use)
		if len(kinds) > 0 && !takesNewName(cmd) {
			cmd.ValidArgsFunction = func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
				i := len(args)
				switch {
				case i < len(kinds):
				case repeats:
					i = len(kinds) - 1
				default:
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				if kinds[i] == noNames {
					return nil, cobra.ShellCompDirectiveDefault
				}
				if h := cmd.Root().Flags().Lookup("host"); h != nil && h.Changed {
					c.SetHost(h.Value.String())
				}
				return listNames(cmd.Context(), c, kinds[i]), cobra.ShellCompDirectiveNoFileComp
			}
		}
	}
	for _, sub := range cmd.Commands() {
		addNameCompletion(sub, c)
	}
}

// takesNewName reports commands whose arguments are not names of existing
// objects: network and volume create name a new one, and cp's
// CONTAINER:PATH is no plain name.
func takesNewName(cmd *cobra.Command) bool {
	if strings.Contains(cmd.Use, "CONTAINER:") {
		return true
	}
	p := cmd.Parent()
	return p != nil && cmd.Name() == "create" && (p.Name() == "volume" || p.Name() == "network")
}

// listNames asks the daemon for the names of one kind of object; an
// unreachable daemon completes nothing.
func listNames(ctx context.Context, c *command.Cli, kind nameKind) []string {
	if ctx == nil {
		ctx = context.Background()
	}
	api, err := c.Client()
	if err != nil {
		return nil
	}
	var names []string
	switch kind {
	case containerNames:
		res, err := api.ContainerList(ctx, client.ContainerListOptions{All: true})
		if err != nil {
			return nil
		}
		for _, ctr := range res.Items {
			for _, n := range ctr.Names {
				names = append(names, strings.TrimPrefix(n, "/"))
			}
		}
	case imageNames:
		res, err := api.ImageList(ctx, client.ImageListOptions{})
		if err != nil {
			return nil
		}
		for _, img := range res.Items {
			for _, tag := range img.RepoTags {
				if tag != "<none>:<none>" {
					names = append(names, tag)
				}
			}
		}
	case networkNames:
		res, err := api.NetworkList(ctx, client.NetworkListOptions{})
		if err != nil {
			return nil
		}
		for _, n := range res.Items {
			names = append(names, n.Name)
		}
	case volumeNames:
		res, err := api.VolumeList(ctx, client.VolumeListOptions{})
		if err != nil {
			return nil
		}
		for _, v := range res.Items {
			names = append(names, v.Name)
		}
	}
	return names
}
