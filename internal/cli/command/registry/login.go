package registry

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	"github.com/docker/cli/cli/config/types"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

type loginOptions struct {
	server        string
	user          string
	password      string
	passwordStdin bool
}

// NewLoginCommand returns `login`.
func NewLoginCommand(cli *command.Cli) *cobra.Command {
	var opts loginOptions
	cmd := &cobra.Command{
		Use:   "login [OPTIONS] [SERVER]",
		Short: "Authenticate to a registry",
		Long:  "Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.server = args[0]
			}
			return runLogin(cmd, cli, opts)
		},
	}
	flags := cmd.Flags()
	flags.StringVarP(&opts.user, "username", "u", "", "Username")
	flags.StringVarP(&opts.password, "password", "p", "", "Password or Personal Access Token (PAT)")
	flags.BoolVar(&opts.passwordStdin, "password-stdin", false, "Take the Password or Personal Access Token (PAT) from stdin")
	return cmd
}

func runLogin(cmd *cobra.Command, cli *command.Cli, opts loginOptions) error {
	if opts.passwordStdin {
		if opts.password != "" {
			return errors.New("--password and --password-stdin are mutually exclusive")
		}
		if opts.user == "" {
			return errors.New("Must provide --username with --password-stdin")
		}
		data, err := io.ReadAll(cli.In())
		if err != nil {
			return err
		}
		opts.password = strings.TrimRight(string(data), "\r\n")
	}
	in := bufio.NewReader(cli.In())
	if opts.user == "" {
		if !cli.InIsTerminal() {
			return errors.New("Error: Cannot perform an interactive login from a non TTY device")
		}
		fmt.Fprint(cli.Out(), "Username: ")
		line, _ := in.ReadString('\n')
		opts.user = strings.TrimSpace(line)
	}
	if opts.password == "" {
		if !cli.InIsTerminal() {
			return errors.New("Error: Cannot perform an interactive login from a non TTY device")
		}
		fmt.Fprint(cli.Out(), "Password: ")
		line, _ := in.ReadString('\n')
		opts.password = strings.TrimRight(line, "\r\n")
	}
	if opts.user == "" || opts.password == "" {
		return errors.New("Error: Username and password are required")
	}
	key := serverKey(opts.server)
	api, err := cli.Client()
	if err != nil {
		return err
	}
	res, err := api.RegistryLogin(cmd.Context(), client.RegistryLoginOptions{
		Username: opts.user, Password: opts.password, ServerAddress: key,
	})
	if err != nil {
		return err
	}
	cf, err := loadConfig()
	if err != nil {
		return err
	}
	ac := types.AuthConfig{Username: opts.user, Password: opts.password, ServerAddress: key}
	if res.Auth.IdentityToken != "" {
		ac.Password, ac.IdentityToken = "", res.Auth.IdentityToken
	}
	if err := cf.GetCredentialsStore(key).Store(ac); err != nil {
		return fmt.Errorf("Error saving credentials: %w", err)
	}
	if err := cf.Save(); err != nil {
		return fmt.Errorf("Error saving credentials: %w", err)
	}
	status := res.Auth.Status
	if status == "" {
		status = "Login Succeeded"
	}
	fmt.Fprintln(cli.Out(), status)
	return nil
}

// NewLogoutCommand returns `logout`.
func NewLogoutCommand(cli *command.Cli) *cobra.Command {
	return &cobra.Command{
		Use:   "logout [SERVER]",
		Short: "Log out from a registry",
		Long:  "Log out from a registry.\nIf no server is specified, the default is defined by the daemon.",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			server := ""
			if len(args) > 0 {
				server = args[0]
			}
			key := serverKey(server)
			cf, err := loadConfig()
			if err != nil {
				return err
			}
			if _, ok := cf.AuthConfigs[key]; !ok && cf.CredentialsStore == "" && cf.CredentialHelpers[key] == "" {
				fmt.Fprintf(cli.Out(), "Not logged in to %s\n", key)
				return nil
			}
			fmt.Fprintf(cli.Out(), "Removing login credentials for %s\n", key)
			if err := cf.GetCredentialsStore(key).Erase(key); err != nil {
				fmt.Fprintf(cli.Err(), "WARNING: could not erase credentials: %s: %v\n", key, err)
			}
			return cf.Save()
		},
	}
}
