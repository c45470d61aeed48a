package image

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

// ApplyChanges applies Dockerfile instructions, as given to `import -c` and
// `commit -c`, to cfg. Only instructions that change configuration are
// allowed, the same set Docker allows.
func ApplyChanges(cfg *dockerspec.DockerOCIImageConfig, changes []string) error {
	for _, change := range changes {
		if strings.TrimSpace(change) == "" {
			continue
		}
		if err := applyChange(cfg, change); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
	}
	return nil
}

func applyChange(cfg *dockerspec.DockerOCIImageConfig, change string) error {
	res, err := parser.Parse(strings.NewReader(change))
	if err != nil {
		return fmt.Errorf("dockerfile parse error: %s", err.Error())
	}
	lex := shell.NewLex(res.EscapeToken)
	for _, node := range res.AST.Children {
		inst, err := instructions.ParseInstruction(node)
		if err != nil {
			return err
		}
		if e, ok := inst.(instructions.SupportsSingleWordExpansion); ok {
			env := shell.EnvsFromSlice(cfg.Env)
			if err := e.Expand(func(word string) (string, error) {
				out, _, err := lex.ProcessWord(word, env)
				return out, err
			}); err != nil {
				return err
			}
		}
		if err := apply(cfg, inst, strings.ToUpper(node.Value)); err != nil {
			return err
		}
	}
	return nil
}

func apply(cfg *dockerspec.DockerOCIImageConfig, inst any, name string) error {
	switch c := inst.(type) {
	case *instructions.CmdCommand:
		cfg.Cmd = shellForm(cfg, c.ShellDependantCmdLine)
	case *instructions.EntrypointCommand:
		cfg.Entrypoint = shellForm(cfg, c.ShellDependantCmdLine)
	case *instructions.HealthCheckCommand:
		cfg.Healthcheck = c.Health
	default:
		ok, err := ApplyConfigInstruction(cfg, inst)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s is not a valid change command", name)
		}
	}
	return nil
}

// ApplyConfigInstruction applies a Dockerfile instruction that only changes
// an image's configuration (ENV, LABEL, EXPOSE, USER, VOLUME, WORKDIR,
// STOPSIGNAL, ONBUILD) to cfg, with the builder's semantics; the builder
// and `import/commit --change` share it. It reports false for any other
// instruction, which the caller handles or refuses.
func ApplyConfigInstruction(cfg *dockerspec.DockerOCIImageConfig, inst any) (bool, error) {
	switch c := inst.(type) {
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			cfg.Env = setEnv(cfg.Env, kv.Key, kv.Value)
		}
	case *instructions.LabelCommand:
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		for _, kv := range c.Labels {
			cfg.Labels[kv.Key] = kv.Value
		}
	case *instructions.ExposeCommand:
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range c.Ports {
			for _, one := range strings.Fields(p) {
				if !strings.Contains(one, "/") {
					one += "/tcp"
				}
				cfg.ExposedPorts[one] = struct{}{}
			}
		}
	case *instructions.UserCommand:
		cfg.User = c.User
	case *instructions.VolumeCommand:
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range c.Volumes {
			if v = strings.TrimSpace(v); v == "" {
				return true, errors.New("VOLUME specified can not be an empty string")
			}
			cfg.Volumes[v] = struct{}{}
		}
	case *instructions.WorkdirCommand:
		cfg.WorkingDir = path.Join("/", cfg.WorkingDir, c.Path)
		if path.IsAbs(c.Path) {
			cfg.WorkingDir = path.Clean(c.Path)
		}
	case *instructions.StopSignalCommand:
		cfg.StopSignal = c.Signal
	case *instructions.OnbuildCommand:
		cfg.OnBuild = append(cfg.OnBuild, c.Expression)
	default:
		return false, nil
	}
	return true, nil
}

// shellForm turns the shell form of CMD/ENTRYPOINT into the image's shell
// invocation, as the builder does.
func shellForm(cfg *dockerspec.DockerOCIImageConfig, c instructions.ShellDependantCmdLine) []string {
	if !c.PrependShell {
		return append([]string{}, c.CmdLine...)
	}
	sh := cfg.Shell
	if len(sh) == 0 {
		sh = []string{"/bin/sh", "-c"}
	}
	return append(append([]string{}, sh...), strings.Join(c.CmdLine, " "))
}

func setEnv(env []string, key, value string) []string {
	for i, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			env[i] = key + "=" + value
			return env
		}
	}
	return append(env, key+"="+value)
}
