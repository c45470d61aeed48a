package builder

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// proxyArgs may be given with --build-arg without an ARG line.
var proxyArgs = map[string]bool{
	"HTTP_PROXY": true, "http_proxy": true, "HTTPS_PROXY": true, "https_proxy": true,
	"FTP_PROXY": true, "ftp_proxy": true, "NO_PROXY": true, "no_proxy": true,
	"ALL_PROXY": true, "all_proxy": true,
}

// build is one Build call in progress.
type build struct {
	ctx     context.Context
	be      Backend
	opts    Options
	df      *dockerfile
	bc      *buildContext
	out     io.Writer
	steps   int
	done    []Image // by stage index; set when the stage completes
	usedMu  sync.Mutex
	used    map[string]bool
	metaEnv map[string]string
}

// Build runs the Dockerfile of opts.Context and returns the ID of the
// image it made, tagged with opts.Tags.
func Build(ctx context.Context, be Backend, opts Options) (string, error) {
	if opts.Dockerfile == "" {
		opts.Dockerfile = "Dockerfile"
	}
	out := opts.Output
	if out == nil || opts.Quiet {
		out = io.Discard
	}
	bc, err := unpackContext(ctx, opts.Context, opts.TempDir, opts.Dockerfile)
	if bc != nil {
		// Removing the spool can wait until the client has its answer.
		defer func() { go bc.close() }()
	}
	if err != nil {
		return "", err
	}
	data, err := bc.readDockerfile(opts.Dockerfile)
	if err != nil {
		return "", err
	}
	bc.dropReadOnly()
	df, err := parse(data)
	if err != nil {
		return "", err
	}
	target, err := df.target(opts.Target)
	if err != nil {
		return "", err
	}
	b := &build{ctx: ctx, be: be, opts: opts, df: df, bc: bc, out: out, done: make([]Image, len(df.stages)), used: map[string]bool{}}
	if err := b.expandMeta(); err != nil {
		return "", err
	}
	needed, err := b.needed(target)
	if err != nil {
		return "", err
	}
	for _, i := range needed {
		b.steps += 1 + len(df.stages[i].Commands)
	}
	if err := b.buildStages(needed, target); err != nil {
		return "", err
	}
	img := b.done[target]
	if img.ID == "" {
		return "", errdefs.ErrInvalidArgument.WithMessage("No image was generated. Is your Dockerfile empty?")
	}
	b.warnUnused()
	if opts.Aux != nil {
		opts.Aux(img.ID)
	}
	fmt.Fprintf(out, "Successfully built %s\n", shortID(img.ID))
	if len(opts.Tags) > 0 {
		if err := be.Tag(ctx, img.ID, opts.Tags); err != nil {
			return "", err
		}
		for _, t := range opts.Tags {
			fmt.Fprintf(out, "Successfully tagged %s\n", familiarTag(t))
		}
	}
	return img.ID, nil
}

// expandMeta evaluates the ARGs before the first FROM.
func (b *build) expandMeta() error {
	b.metaEnv = map[string]string{}
	for _, a := range b.df.metaArgs {
		for _, kv := range a.Args {
			v, ok := b.buildArg(kv.Key)
			if !ok && kv.Value != nil {
				ev, _, err := b.df.lex.ProcessWord(*kv.Value, envMap(b.metaEnv))
				if err != nil {
					return err
				}
				v, ok = ev, true
			}
			if ok {
				b.metaEnv[kv.Key] = v
			}
		}
	}
	return nil
}

// buildArg is the --build-arg value for key, marking it used.
func (b *build) buildArg(key string) (string, bool) {
	b.usedMu.Lock()
	defer b.usedMu.Unlock()
	v, ok := b.opts.BuildArgs[key]
	if !ok || v == nil {
		if ok {
			b.used[key] = true
			if env, set := os.LookupEnv(key); set {
				return env, true
			}
		}
		return "", false
	}
	b.used[key] = true
	return *v, true
}

func (b *build) warnUnused() {
	var unused []string
	for k := range b.opts.BuildArgs {
		if !b.used[k] && !proxyArgs[k] {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		fmt.Fprintf(b.out, "[Warning] One or more build-args [%s] were not consumed\n", strings.Join(unused, " "))
	}
}

// needed lists, in order, the stages the target depends on (itself last):
// stages named by FROM or COPY --from. Others are not built.
func (b *build) needed(target int) ([]int, error) {
	seen := map[int]bool{}
	var order []int
	var visit func(i int) error
	visit = func(i int) error {
		if seen[i] {
			return nil
		}
		seen[i] = true
		s := b.df.stages[i]
		base, _, err := b.df.lex.ProcessWord(s.BaseName, envMap(b.metaEnv))
		if err != nil {
			return err
		}
		if j, ok := b.df.stageIndex(base, i); ok {
			if err := visit(j); err != nil {
				return err
			}
		}
		for _, c := range s.Commands {
			if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" {
				if j, ok := b.df.stageIndex(cp.From, i); ok {
					if err := visit(j); err != nil {
						return err
					}
				}
			}
		}
		order = append(order, i)
		return nil
	}
	if err := visit(target); err != nil {
		return nil, err
	}
	sort.Ints(order)
	return order, nil
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func itoa(n int) string { return strconv.Itoa(n) }

// familiarTag is a -t value as Docker reports it: short, with its tag
// ("web" reads "web:latest").
func familiarTag(t string) string {
	named, err := reference.ParseNormalizedNamed(t)
	if err != nil {
		return t
	}
	return reference.FamiliarString(reference.TagNameOnly(named))
}
