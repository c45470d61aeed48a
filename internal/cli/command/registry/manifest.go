package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"

	"github.com/berth/berth/internal/cli/command"
	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/spf13/cobra"
)

// NewManifestCommand returns `manifest` with `inspect`, which reads an
// image's manifest (or manifest list) from its registry, as the docker
// CLI does itself, without the daemon.
func NewManifestCommand(cli *command.Cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "manifest COMMAND",
		Short: "Manage Docker image manifests and manifest lists",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.ErrOrStderr())
			return cmd.Help()
		},
	}
	var insecure bool
	inspect := &cobra.Command{
		Use:   "inspect [OPTIONS] [MANIFEST_LIST] MANIFEST",
		Short: "Display an image manifest, or manifest list",
		Args:  command.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			named, err := reference.ParseNormalizedNamed(args[0])
			if err != nil {
				return err
			}
			named = reference.TagNameOnly(named)
			var opts []name.Option
			if insecure || loopback(reference.Domain(named)) {
				opts = append(opts, name.Insecure) // as the docker CLI, loopback registries may be plain http
			}
			ref, err := name.ParseReference(named.String(), opts...)
			if err != nil {
				return err
			}
			desc, err := remote.Get(ref, remote.WithContext(cmd.Context()), remote.WithAuth(storedAuth(named)))
			if err != nil {
				return fmt.Errorf("%s: %w", named, err)
			}
			var out bytes.Buffer
			if err := json.Indent(&out, desc.Manifest, "", "\t"); err != nil {
				return err
			}
			_, err = fmt.Fprintln(cli.Out(), out.String())
			return err
		},
	}
	inspect.Flags().BoolVar(&insecure, "insecure", false, "Allow communication with an insecure registry")
	cmd.AddCommand(inspect)
	return cmd
}

// storedAuth is the registry login `berth login` (or docker's) stored.
func storedAuth(named reference.Named) authn.Authenticator {
	cf, err := loadConfig()
	if err != nil {
		return authn.Anonymous
	}
	ac, err := cf.GetAuthConfig(serverKey(reference.Domain(named)))
	if err != nil || (ac.Username == "" && ac.IdentityToken == "" && ac.RegistryToken == "") {
		return authn.Anonymous
	}
	return authn.FromConfig(authn.AuthConfig{Username: ac.Username, Password: ac.Password, IdentityToken: ac.IdentityToken, RegistryToken: ac.RegistryToken})
}

func loopback(host string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
