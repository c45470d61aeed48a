// Package check is the store check of a live daemon (`berth system check`):
// each service that owns data answers for it through a Checker, and Run
// puts their findings into one report. A problem says in plain words what
// is wrong and, after a repair, what was done about it.
package check

import (
	"context"
	"fmt"
)

// Problem is one thing found wrong.
type Problem struct {
	// Area is the service that found it: images, containers, networks,
	// volumes.
	Area string
	// Subject names the object: an image ID, a blob digest, a container
	// ID, an endpoint, a path.
	Subject string
	// Problem says what is wrong, in plain words.
	Problem string
	// Repaired says a repair fixed it; RepairError why the repair failed.
	// A problem that cannot be repaired safely has neither.
	Repaired    bool   `json:",omitempty"`
	RepairError string `json:",omitempty"`
}

func (p Problem) String() string {
	s := fmt.Sprintf("%s: %s: %s", p.Area, p.Subject, p.Problem)
	switch {
	case p.Repaired:
		s += " (repaired)"
	case p.RepairError != "":
		s += " (repair failed: " + p.RepairError + ")"
	}
	return s
}

// Report is the outcome of one check.
type Report struct {
	// Checked names the areas that were checked, in order.
	Checked  []string
	Problems []Problem
	// Repair says whether repairs were asked for.
	Repair bool
}

// Checker checks the data one service owns. With repair it also fixes
// what can be fixed without losing anything a user made (unreferenced
// blobs, stale endpoints, leaked mounts of containers that do not run),
// and says so in each Problem. An error means the check itself could not
// run; what it found wrong are Problems.
type Checker interface {
	Check(ctx context.Context, repair bool) ([]Problem, error)
}

// Area is a named Checker.
type Area struct {
	Name    string
	Checker Checker
}

// Run checks every area in order. An area whose check fails to run is a
// problem of its own, so the report never looks clean when it is not.
func Run(ctx context.Context, repair bool, areas ...Area) Report {
	r := Report{Repair: repair, Problems: []Problem{}}
	for _, a := range areas {
		r.Checked = append(r.Checked, a.Name)
		ps, err := a.Checker.Check(ctx, repair)
		r.Problems = append(r.Problems, ps...)
		if err != nil {
			r.Problems = append(r.Problems, Problem{Area: a.Name, Subject: a.Name, Problem: "check could not run: " + err.Error()})
		}
	}
	return r
}

// Fix records the outcome of a repair on p.
func (p *Problem) Fix(err error) {
	if err != nil {
		p.RepairError = err.Error()
		return
	}
	p.Repaired = true
}
