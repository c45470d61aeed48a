package builder

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

// stage is the state of the stage being built: the image made by the last
// step, its config as the next step starts from, and the ARGs in scope.
type stage struct {
	b      *build
	index  int
	out    io.Writer // this stage's share of the build's output
	step   int       // the number of the last step printed
	img    Image
	cfg    dockerspec.DockerOCIImageConfig
	args   map[string]string
	cmdSet bool
}

// buildStage builds stage i, numbering its steps from first and writing
// its progress to out.
func (b *build) buildStage(i int, last bool, first int, out io.Writer) error {
	st := b.df.stages[i]
	s := &stage{b: b, index: i, out: out, step: first - 1, args: map[string]string{}}
	if err := s.from(st); err != nil {
		return err
	}
	for _, c := range st.Commands {
		if err := s.dispatch(c, true); err != nil {
			return err
		}
	}
	if last && len(b.opts.Labels) > 0 {
		cfg := s.config()
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		keys := make([]string, 0, len(b.opts.Labels))
		for k, v := range b.opts.Labels {
			cfg.Labels[k] = v
			keys = append(keys, k+"="+v)
		}
		sort.Strings(keys)
		if err := s.commitConfig(cfg, "LABEL "+strings.Join(keys, " "), false); err != nil {
			return err
		}
	}
	b.done[i] = s.img // read only by stages that wait for this one
	return nil
}

// from starts the stage from its base: an earlier stage, scratch or an
// image, pulled when missing or when the build asks to.
func (s *stage) from(st instructions.Stage) error {
	b := s.b
	s.printStep(st.SourceCode)
	name, _, err := b.df.lex.ProcessWord(st.BaseName, envMap(b.metaEnv))
	if err != nil {
		return err
	}
	var img Image
	if j, ok := b.df.stageIndex(name, s.index); ok {
		img = b.done[j]
	} else if !strings.EqualFold(name, "scratch") {
		if img, err = b.resolve(name, s.out); err != nil {
			return err
		}
	}
	s.setImage(img)
	if img.ID != "" {
		fmt.Fprintf(s.out, " ---> %s\n", shortID(img.ID))
	}
	triggers := s.cfg.OnBuild
	if len(triggers) == 0 {
		return nil
	}
	s.cfg.OnBuild = nil
	fmt.Fprintf(s.out, "# Executing %d build trigger", len(triggers))
	if len(triggers) > 1 {
		fmt.Fprint(s.out, "s")
	}
	fmt.Fprintln(s.out)
	for _, t := range triggers {
		res, err := parser.Parse(strings.NewReader(t))
		if err != nil || len(res.AST.Children) != 1 {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid ONBUILD trigger %q", t))
		}
		c, err := instructions.ParseCommand(res.AST.Children[0])
		if err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		if err := s.dispatch(c, false); err != nil {
			return err
		}
	}
	return nil
}

func (b *build) resolve(name string, out io.Writer) (Image, error) {
	if !b.opts.Pull {
		img, err := b.be.Image(b.ctx, name)
		if err == nil || !errdefs.IsNotFound(err) {
			return img, err
		}
	}
	return b.be.Pull(b.ctx, name, out)
}

func (s *stage) printStep(text string) {
	s.step++
	fmt.Fprintf(s.out, "Step %d/%d : %s\n", s.step, s.b.steps, text)
}

func (s *stage) setImage(img Image) {
	s.img = img
	s.cfg = img.Config.Config
}

// config returns a copy of the current config that may be changed freely.
func (s *stage) config() dockerspec.DockerOCIImageConfig {
	data, _ := json.Marshal(s.cfg)
	var c dockerspec.DockerOCIImageConfig
	_ = json.Unmarshal(data, &c)
	return c
}

// env is what ${VAR} sees: the ARGs in scope, overridden by ENV.
func (s *stage) env() envMap {
	m := envMap{}
	for k, v := range s.args {
		m[k] = v
	}
	for _, kv := range s.cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// cached looks key up; on a hit the stage moves to the cached image.
func (s *stage) cached(key string) (string, bool) {
	k := cacheKey(s.img.ID, key)
	if s.b.opts.NoCache {
		return k, false
	}
	id, ok := s.b.be.CacheGet(k)
	if !ok {
		return k, false
	}
	img, err := s.b.be.Image(s.b.ctx, id)
	if err != nil {
		return k, false
	}
	fmt.Fprintf(s.out, " ---> Using cache\n ---> %s\n", shortID(img.ID))
	s.setImage(img)
	return k, true
}

// made records the image a step made and moves the stage to it.
func (s *stage) made(k string, img Image) error {
	if err := s.b.be.CachePut(k, img.ID); err != nil {
		return err
	}
	fmt.Fprintf(s.out, " ---> %s\n", shortID(img.ID))
	s.setImage(img)
	return nil
}

// commitConfig makes a step that changes only the config.
func (s *stage) commitConfig(cfg dockerspec.DockerOCIImageConfig, text string, print bool) error {
	data, _ := json.Marshal(cfg)
	k, hit := s.cached("config\x00" + string(data))
	if hit {
		return nil
	}
	if print {
		// Docker prints nothing more for a config step than the new ID.
	}
	img, err := s.b.be.Commit(s.b.ctx, CommitRequest{Parent: s.img, Config: cfg, CreatedBy: "/bin/sh -c #(nop)  " + text})
	if err != nil {
		return err
	}
	return s.made(k, img)
}

func cacheKey(parent, step string) string {
	h := sha256.New()
	fmt.Fprintf(h, "berth-build-v1\x00%s\x00%s", parent, step)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// envMap is a shell.EnvGetter over a map.
type envMap map[string]string

func (m envMap) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }

func (m envMap) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
