package builder

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/berth/berth/internal/image"
	"github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// dispatch runs one instruction. Triggers (ONBUILD) are not counted as
// steps of their own.
func (s *stage) dispatch(c instructions.Command, count bool) error {
	b := s.b
	text := fmt.Sprint(c)
	if count {
		s.printStep(text)
	} else {
		fmt.Fprintf(s.out, " ---> %s\n", text)
	}
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if e, ok := c.(instructions.SupportsSingleWordExpansion); ok {
		env := s.env()
		err := e.Expand(func(word string) (string, error) {
			v, _, err := b.df.lex.ProcessWord(word, env)
			return v, err
		})
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%s: %v", text, err))
		}
	}
	cfg := s.config()
	switch c := c.(type) {
	case *instructions.RunCommand:
		return s.run(c)
	case *instructions.CopyCommand:
		return s.copy(copySpec{text: text, from: c.From, chown: c.Chown, chmod: c.Chmod, srcs: c.SourcesAndDest})
	case *instructions.AddCommand:
		return s.copy(copySpec{text: text, add: true, chown: c.Chown, chmod: c.Chmod, srcs: c.SourcesAndDest})
	case *instructions.ArgCommand:
		return s.arg(c, text)
	case *instructions.MaintainerCommand:
		return s.commitAuthor(cfg, c.Maintainer, text)
	case *instructions.CmdCommand:
		cfg.Cmd = s.command(c.ShellDependantCmdLine)
		cfg.ArgsEscaped = false
		s.cmdSet = true
	case *instructions.EntrypointCommand:
		cfg.Entrypoint = s.command(c.ShellDependantCmdLine)
		if !s.cmdSet {
			cfg.Cmd = nil
		}
	case *instructions.HealthCheckCommand:
		cfg.Healthcheck = c.Health
	case *instructions.ShellCommand:
		cfg.Shell = c.Shell
	case *instructions.WorkdirCommand:
		if _, err := image.ApplyConfigInstruction(&cfg, c); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		return s.workdir(cfg, text)
	default:
		ok, err := image.ApplyConfigInstruction(&cfg, c)
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		if !ok {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unsupported instruction: %s", text))
		}
	}
	return s.commitConfig(cfg, text, true)
}

// arg declares build arguments: their value is the --build-arg, else the
// default, else the value of the same ARG before the first FROM.
func (s *stage) arg(c *instructions.ArgCommand, text string) error {
	b := s.b
	for _, kv := range c.Args {
		if v, ok := b.buildArg(kv.Key); ok {
			s.args[kv.Key] = v
		} else if kv.Value != nil {
			s.args[kv.Key] = *kv.Value
		} else if v, ok := b.metaEnv[kv.Key]; ok {
			s.args[kv.Key] = v
		} else {
			delete(s.args, kv.Key)
		}
	}
	// An ARG changes no config; Docker still reports the step's image.
	if s.img.ID != "" {
		fmt.Fprintf(s.out, " ---> %s\n", shortID(s.img.ID))
	}
	return nil
}

func (s *stage) commitAuthor(cfg interface{}, author, text string) error {
	// MAINTAINER sets the image's author, which Berth's commit path does
	// not carry yet; Docker deprecates it in favour of a label.
	c := s.config()
	if c.Labels == nil {
		c.Labels = map[string]string{}
	}
	c.Labels["maintainer"] = author
	return s.commitConfig(c, text, true)
}

// command is the argv of CMD, ENTRYPOINT or RUN: shell form goes through
// the stage's SHELL.
func (s *stage) command(c instructions.ShellDependantCmdLine) []string {
	if !c.PrependShell {
		return append([]string(nil), c.CmdLine...)
	}
	line := strings.Join(c.CmdLine, " ")
	if len(c.Files) > 0 {
		line = heredocScript(line, c.Files)
	}
	return append(s.shell(), line)
}

func (s *stage) shell() []string {
	if len(s.cfg.Shell) > 0 {
		return append([]string(nil), s.cfg.Shell...)
	}
	return []string{"/bin/sh", "-c"}
}

// heredocScript turns `RUN <<EOF ... EOF` into a script: a command that is
// only the heredoc runs its body; otherwise the shell reads the heredoc
// itself.
func heredocScript(line string, files []instructions.ShellInlineFile) string {
	f := files[0]
	if len(files) == 1 && strings.TrimSpace(strings.TrimLeft(strings.TrimPrefix(strings.TrimSpace(line), "<<"), "-")) == strings.Trim(f.Name, `"'`) {
		return f.Data
	}
	var sb strings.Builder
	sb.WriteString(line)
	sb.WriteString("\n")
	for _, f := range files {
		sb.WriteString(f.Data)
		if !strings.HasSuffix(f.Data, "\n") {
			sb.WriteString("\n")
		}
		sb.WriteString(f.Name + "\n")
	}
	return sb.String()
}

// runEnv is a RUN's environment: the image's, plus the ARGs in scope that
// ENV does not set, plus proxy build args.
func (s *stage) runEnv() []string {
	env := append([]string(nil), s.cfg.Env...)
	set := map[string]bool{}
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		set[k] = true
	}
	keys := envMap(s.args).Keys()
	for _, k := range keys {
		if !set[k] {
			env = append(env, k+"="+s.args[k])
			set[k] = true
		}
	}
	for k := range proxyArgs {
		if v, ok := s.b.opts.BuildArgs[k]; ok && v != nil && !set[k] {
			env = append(env, k+"="+*v)
		}
	}
	return env
}

// run runs a RUN step in a container and commits what it changed.
func (s *stage) run(c *instructions.RunCommand) error {
	b := s.b
	cmd := s.command(c.ShellDependantCmdLine)
	env := s.runEnv()
	key, _ := json.Marshal(struct {
		Cmd, Env []string
		Network  string
	}{cmd, env, b.opts.Network})
	k, hit := s.cached("run\x00" + string(key))
	if hit {
		return nil
	}
	if s.img.ID == "" {
		return errdefs.ErrInvalidArgument.WithMessage("RUN in a stage FROM scratch has no shell to run")
	}
	var started string
	rc, err := b.be.Run(b.ctx, RunRequest{
		Image: s.img, Cmd: cmd, Env: env, User: s.cfg.User, WorkDir: s.cfg.WorkingDir,
		Network: b.opts.Network, Output: s.out, Stderr: stderrWriter{s.out},
		Keep: b.opts.KeepContainers && !b.opts.ForceRemove, KeepFailed: !b.opts.ForceRemove,
		ExtraHosts: b.opts.ExtraHosts,
		Started: func(id string) {
			started = id
			fmt.Fprintf(s.out, " ---> Running in %s\n", shortID(id))
		},
	})
	if err != nil {
		if ee, ok := err.(*ExitError); ok {
			return &StepError{
				msg:  fmt.Sprintf("The command '%s' returned a non-zero code: %d", strings.Join(cmd, " "), ee.Code),
				code: ee.Code,
			}
		}
		return err
	}
	img, err := b.be.Commit(b.ctx, CommitRequest{Parent: s.img, Layer: rc, Config: s.cfg, CreatedBy: strings.Join(cmd, " ")})
	cerr := rc.Close()
	if err != nil {
		return err
	}
	if cerr != nil {
		return cerr
	}
	if !b.opts.KeepContainers || b.opts.ForceRemove {
		fmt.Fprintf(s.out, "Removing intermediate container %s\n", shortID(started))
	}
	return s.made(k, img)
}
