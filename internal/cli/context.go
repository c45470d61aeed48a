package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/berth/berth/internal/cli/command"
	"github.com/docker/cli/cli/context/docker"
	"github.com/docker/cli/cli/context/store"
	"github.com/spf13/cobra"
)

// newContextCommand returns `context`: create, ls, use, inspect, rm,
// export and import, on the docker CLI's own context store.
func newContextCommand(c *command.Cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "context",
		Short: "Manage contexts",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.ErrOrStderr())
			return cmd.Help()
		},
	}
	cmd.AddCommand(contextCreate(c), contextList(c), contextUse(c), contextInspect(c), contextRemove(c), contextExport(c), contextImport(c))
	return cmd
}

func contextCreate(c *command.Cli) *cobra.Command {
	var description, dockerOpt string
	cmd := &cobra.Command{
		Use:   "create [OPTIONS] CONTEXT",
		Short: "Create a context",
		Args:  command.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			name := args[0]
			s, err := newContextStore(name)
			if err != nil {
				return err
			}
			ep := docker.EndpointMeta{Host: c.Host()}
			for _, kv := range strings.Split(dockerOpt, ",") {
				if kv == "" {
					continue
				}
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "host":
					ep.Host = v
				case "skip-tls-verify":
					ep.SkipTLSVerify = v == "true"
				default:
					return fmt.Errorf("unable to create docker endpoint config: unrecognized config key: %s", k)
				}
			}
			meta := store.Metadata{Name: name, Metadata: command.ContextMeta{Description: description},
				Endpoints: map[string]any{docker.DockerEndpoint: ep}}
			if err := s.CreateOrUpdate(meta); err != nil {
				return err
			}
			fmt.Fprintln(c.Out(), name)
			fmt.Fprintf(c.Err(), "Successfully created context %q\n", name)
			return nil
		},
	}
	cmd.Flags().StringVar(&description, "description", "", "Description of the context")
	cmd.Flags().StringVar(&dockerOpt, "docker", "", "set the docker endpoint")
	return cmd
}

func contextList(c *command.Cli) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:     "ls [OPTIONS]",
		Aliases: []string{"list"},
		Short:   "List contexts",
		Args:    command.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			list, err := command.ContextStore().List()
			if err != nil {
				return err
			}
			sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
			current := c.CurrentContext()
			type row struct{ name, desc, host string }
			rows := []row{{command.DefaultContext, "Current DOCKER_HOST based configuration", defaultHost()}}
			for _, m := range list {
				desc := ""
				if cm, ok := m.Metadata.(command.ContextMeta); ok {
					desc = cm.Description
				} else if cm, ok := m.Metadata.(*command.ContextMeta); ok && cm != nil {
					desc = cm.Description
				}
				rows = append(rows, row{m.Name, desc, command.DockerEndpoint(m).Host})
			}
			if quiet {
				for _, r := range rows {
					fmt.Fprintln(c.Out(), r.name)
				}
				return nil
			}
			tw := tabwriter.NewWriter(c.Out(), 10, 1, 3, ' ', 0)
			fmt.Fprintln(tw, "NAME\tDESCRIPTION\tDOCKER ENDPOINT\tERROR")
			for _, r := range rows {
				name := r.name
				if name == current {
					name += " *"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t\n", name, r.desc, r.host)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "Only show context names")
	return cmd
}

// defaultHost is the endpoint of the "default" context.
func defaultHost() string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return command.DefaultHost
}

func contextUse(c *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "use CONTEXT",
		Short: "Set the current docker context",
		Args:  command.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			name := args[0]
			if name != command.DefaultContext {
				if _, err := command.ContextStore().GetMetadata(name); err != nil {
					return err
				}
			}
			if err := command.WriteCurrentContext(name); err != nil {
				return err
			}
			fmt.Fprintln(c.Out(), name)
			fmt.Fprintf(c.Err(), "Current context is now %q\n", name)
			if os.Getenv("DOCKER_HOST") != "" {
				fmt.Fprintln(c.Err(), "Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.")
			}
			return nil
		},
	}
}

func contextInspect(c *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect [OPTIONS] [CONTEXT] [CONTEXT...]",
		Short: "Display detailed information on one or more contexts",
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{c.CurrentContext()}
			}
			s := command.ContextStore()
			var out []any
			for _, name := range args {
				if name == command.DefaultContext {
					out = append(out, map[string]any{"Name": name, "Metadata": map[string]any{},
						"Endpoints":   map[string]any{docker.DockerEndpoint: docker.EndpointMeta{Host: defaultHost()}},
						"TLSMaterial": map[string]any{}, "Storage": map[string]string{"MetadataPath": "<IN MEMORY>", "TLSPath": "<IN MEMORY>"}})
					continue
				}
				m, err := s.GetMetadata(name)
				if err != nil {
					return err
				}
				out = append(out, map[string]any{"Name": m.Name, "Metadata": m.Metadata, "Endpoints": m.Endpoints,
					"TLSMaterial": map[string]any{}, "Storage": s.GetStorageInfo(name)})
			}
			b, err := json.MarshalIndent(out, "", "    ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(c.Out(), string(b))
			return err
		},
	}
}

func contextRemove(c *command.Cli) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "rm CONTEXT [CONTEXT...]",
		Aliases: []string{"remove"},
		Short:   "Remove one or more contexts",
		Args:    command.RequiresMinArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			s := command.ContextStore()
			current := c.CurrentContext()
			for _, name := range args {
				if name == command.DefaultContext {
					return fmt.Errorf("default: context \"default\" cannot be removed")
				}
				if _, err := s.GetMetadata(name); err != nil {
					return err
				}
				if name == current {
					if !force {
						return fmt.Errorf("%s: context is in use, set -f flag to force remove", name)
					}
					if err := command.WriteCurrentContext(command.DefaultContext); err != nil {
						return err
					}
				}
				if err := s.Remove(name); err != nil {
					return err
				}
				fmt.Fprintln(c.Out(), name)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Force the removal of a context in use")
	return cmd
}

func contextExport(c *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "export [OPTIONS] CONTEXT [FILE|-]",
		Short: "Export a context to a tar archive FILE or a tar stream on STDOUT.",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(_ *cobra.Command, args []string) error {
			name := args[0]
			dest := name + ".dockercontext"
			if len(args) == 2 {
				dest = args[1]
			}
			s := command.ContextStore()
			if _, err := s.GetMetadata(name); err != nil {
				return err
			}
			rc := store.Export(name, s)
			defer rc.Close()
			if dest == "-" {
				_, err := io.Copy(c.Out(), rc)
				return err
			}
			f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, rc); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(c.Err(), "Written file %q\n", dest)
			return nil
		},
	}
}

func contextImport(c *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "import CONTEXT FILE|-",
		Short: "Import a context from a tar or zip file",
		Args:  command.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			name := args[0]
			s, err := newContextStore(name)
			if err != nil {
				return err
			}
			var r io.Reader = c.In()
			if args[1] != "-" {
				f, err := os.Open(args[1])
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			if err := store.Import(name, s, r); err != nil {
				return err
			}
			fmt.Fprintln(c.Out(), name)
			fmt.Fprintf(c.Err(), "Successfully imported context %q\n", name)
			return nil
		},
	}
}

// newContextStore checks that name can be a new context, as create and
// import need, and returns the store it will go into.
func newContextStore(name string) (store.Store, error) {
	if err := store.ValidateContextName(name); err != nil {
		return nil, err
	}
	s := command.ContextStore()
	if _, err := s.GetMetadata(name); err == nil {
		return nil, fmt.Errorf("context %q already exists", name)
	}
	return s, nil
}
