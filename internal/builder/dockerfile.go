package builder

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// dockerfile is a parsed Dockerfile.
type dockerfile struct {
	stages   []instructions.Stage
	metaArgs []instructions.ArgCommand
	lex      *shell.Lex
}

// parse reads a Dockerfile; an error names the line, before anything runs.
func parse(data []byte) (*dockerfile, error) {
	res, err := parser.Parse(strings.NewReader(string(data)))
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage("failed to parse Dockerfile: " + err.Error())
	}
	stages, meta, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if len(stages) == 0 {
		return nil, errdefs.ErrInvalidArgument.WithMessage("the Dockerfile (Dockerfile) cannot be empty")
	}
	return &dockerfile{stages: stages, metaArgs: meta, lex: shell.NewLex(res.EscapeToken)}, nil
}

// stageIndex finds a stage by name (case-insensitive) or number.
func (df *dockerfile) stageIndex(name string, before int) (int, bool) {
	for i := 0; i < before && i < len(df.stages); i++ {
		if strings.EqualFold(df.stages[i].Name, name) {
			return i, true
		}
	}
	if n, err := strconv.Atoi(name); err == nil && n >= 0 && n < before {
		return n, true
	}
	return 0, false
}

// target returns the index of the stage to build.
func (df *dockerfile) target(name string) (int, error) {
	if name == "" {
		return len(df.stages) - 1, nil
	}
	for i, s := range df.stages {
		if strings.EqualFold(s.Name, name) {
			return i, nil
		}
	}
	return 0, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("failed to reach build target %s in Dockerfile", name))
}
