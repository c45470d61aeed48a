package builder

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// maxParallelStages bounds how many stages build at once: RUN steps are
// containers, and more of them than the machine has CPUs only queue up.
func maxParallelStages() int {
	n := runtime.GOMAXPROCS(0)
	return min(max(n, 2), 4)
}

// deps lists the stages stage i waits for: its FROM and its COPY --from.
func (b *build) deps(i int) []int {
	s := b.df.stages[i]
	var out []int
	if base, _, err := b.df.lex.ProcessWord(s.BaseName, envMap(b.metaEnv)); err == nil {
		if j, ok := b.df.stageIndex(base, i); ok {
			out = append(out, j)
		}
	}
	for _, c := range s.Commands {
		if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" {
			if j, ok := b.df.stageIndex(cp.From, i); ok {
				out = append(out, j)
			}
		}
	}
	return out
}

// buildStages builds the needed stages (in Dockerfile order), each as
// soon as the stages it depends on are done, several at once. The output
// stays the classic builder's: steps keep the numbers a sequential build
// gives them, and each stage's lines come out as one block, in stage
// order. The first stage still running streams live; later ones are held
// back until every stage before them has finished.
func (b *build) buildStages(needed []int, target int) error {
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	outer := b.ctx
	b.ctx = ctx
	defer func() { b.ctx = outer }()

	out := newOrderedOutput(b.out, len(needed))
	finished := make([]chan struct{}, len(b.df.stages))
	for _, i := range needed {
		finished[i] = make(chan struct{})
	}
	sem := make(chan struct{}, maxParallelStages())
	errs := make([]error, len(needed))
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	first := 1
	for pos, i := range needed {
		start := first
		first += 1 + len(b.df.stages[i].Commands)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer out.finish(pos)
			err := b.runStage(ctx, i, i == target, start, out.writer(pos), finished, sem)
			if err != nil {
				errs[pos] = err
				errOnce.Do(func() { firstErr = err; cancel() })
				return
			}
			close(finished[i])
		}()
	}
	wg.Wait()
	if firstErr == nil {
		return nil
	}
	// Report the failure of the earliest stage that failed on its own,
	// rather than a later one that was only canceled because of it.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	return firstErr
}

// runStage waits for stage i's dependencies and a free slot, then builds it.
func (b *build) runStage(ctx context.Context, i int, last bool, first int, w io.Writer, finished []chan struct{}, sem chan struct{}) error {
	for _, j := range b.deps(i) {
		select {
		case <-finished[j]:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-sem }()
	return b.buildStage(i, last, first, w)
}

// orderedOutput merges the output of stages running at once into one
// stream, a stage at a time, in stage order.
type orderedOutput struct {
	mu       sync.Mutex
	w        io.Writer
	head     int // the stage streaming live; those after it are buffered
	held     []bytes.Buffer
	finished []bool
}

func newOrderedOutput(w io.Writer, n int) *orderedOutput {
	return &orderedOutput{w: w, held: make([]bytes.Buffer, n), finished: make([]bool, n)}
}

func (o *orderedOutput) writer(pos int) io.Writer { return stageWriter{o, pos} }

// finish marks stage pos done and releases what the next stages held.
func (o *orderedOutput) finish(pos int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.finished[pos] = true
	for o.head < len(o.finished) && o.finished[o.head] {
		o.head++
		if o.head < len(o.held) && o.held[o.head].Len() > 0 {
			o.w.Write(o.held[o.head].Bytes())
			o.held[o.head] = bytes.Buffer{}
		}
	}
}

type stageWriter struct {
	o   *orderedOutput
	pos int
}

func (s stageWriter) Write(p []byte) (int, error) {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	if s.pos == s.o.head {
		return s.o.w.Write(p)
	}
	return s.o.held[s.pos].Write(p)
}
