// Package registry implements berth's registry commands, login and
// logout, and reads the stored credentials that pull and push send to the
// daemon. Credentials live where docker keeps them: ~/.docker/config.json
// ($DOCKER_CONFIG), as base64 "user:password" under "auths", or in the
// credential helper that "credsStore" or "credHelpers" names.
package registry

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/distribution/reference"
	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/config/configfile"
	registrytypes "github.com/moby/moby/api/types/registry"
)

// hubAddress is the key Docker Hub's credentials are stored under.
const hubAddress = "https://index.docker.io/v1/"

// serverKey is the config.json key for a registry host or login address.
func serverKey(server string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(server, "https://"), "http://")
	s, _, _ = strings.Cut(s, "/")
	switch s {
	case "", "docker.io", "index.docker.io", "registry-1.docker.io":
		return hubAddress
	}
	return s
}

func loadConfig() (*configfile.ConfigFile, error) {
	return config.Load(config.Dir())
}

// EncodedAuth returns the X-Registry-Auth value for the registry of image
// (a name as the user typed it), or "" when no credentials are stored.
func EncodedAuth(image string) (string, error) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return "", err
	}
	cf, err := loadConfig()
	if err != nil {
		return "", err
	}
	key := serverKey(reference.Domain(named))
	ac, err := cf.GetAuthConfig(key)
	if err != nil || (ac.Username == "" && ac.IdentityToken == "" && ac.RegistryToken == "") {
		return "", err
	}
	return encode(registrytypes.AuthConfig{
		Username:      ac.Username,
		Password:      ac.Password,
		ServerAddress: key,
		IdentityToken: ac.IdentityToken,
		RegistryToken: ac.RegistryToken,
	})
}

func encode(ac registrytypes.AuthConfig) (string, error) {
	data, err := json.Marshal(ac)
	if err != nil {
		return "", err
	}
	return base64.URLEncoding.EncodeToString(data), nil
}
