package command

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/docker/cli/cli/config"
	clicontext "github.com/docker/cli/cli/context"
	"github.com/docker/cli/cli/context/docker"
	"github.com/docker/cli/cli/context/store"
)

// DefaultContext is the context that means "no context": DOCKER_HOST, else
// the default socket.
const DefaultContext = "default"

// ContextMeta is a context's own metadata as the docker CLI stores it.
type ContextMeta struct {
	Description string `json:",omitempty"`
}

// ContextStore opens the docker CLI's context store (contexts/ in the
// config directory), so a context made by either CLI serves both.
func ContextStore() *store.ContextStore {
	return store.New(config.ContextStoreDir(), store.NewConfig(
		func() any { return &ContextMeta{} },
		store.EndpointTypeGetter(docker.DockerEndpoint, func() any { return &docker.EndpointMeta{} }),
	))
}

// DockerEndpoint is the docker endpoint of a stored context.
func DockerEndpoint(m store.Metadata) clicontext.EndpointMetaBase {
	if ep, ok := m.Endpoints[docker.DockerEndpoint].(docker.EndpointMeta); ok {
		return ep
	}
	if ep, ok := m.Endpoints[docker.DockerEndpoint].(*docker.EndpointMeta); ok && ep != nil {
		return *ep
	}
	return clicontext.EndpointMetaBase{}
}

// CurrentContext is the context in use: --context, else DOCKER_CONTEXT,
// else config.json's currentContext, else "default".
func (c *Cli) CurrentContext() string {
	if c.context != "" {
		return c.context
	}
	if v := os.Getenv("DOCKER_CONTEXT"); v != "" {
		return v
	}
	if v := readCurrentContext(); v != "" {
		return v
	}
	return DefaultContext
}

// SetContext chooses the context (--context).
func (c *Cli) SetContext(name string) { c.context = name }

func configFile() string { return filepath.Join(config.Dir(), config.ConfigFileName) }

func readCurrentContext() string {
	data, err := os.ReadFile(configFile())
	if err != nil {
		return ""
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	_ = json.Unmarshal(data, &cfg)
	return cfg.CurrentContext
}

// WriteCurrentContext records name as config.json's currentContext
// ("default" removes it), keeping every other key of the file.
func WriteCurrentContext(name string) error {
	raw := map[string]json.RawMessage{}
	data, err := os.ReadFile(configFile())
	if err == nil {
		if err := json.Unmarshal(data, &raw); err != nil {
			return err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if name == DefaultContext {
		delete(raw, "currentContext")
	} else {
		v, _ := json.Marshal(name)
		raw["currentContext"] = v
	}
	out, err := json.MarshalIndent(raw, "", "\t")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(configFile()), 0o700); err != nil {
		return err
	}
	tmp := configFile() + ".tmp"
	if err := os.WriteFile(tmp, out, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, configFile())
}
