package check

import (
	"context"
	"errors"
	"strings"
	"testing"
)

type fakeChecker struct {
	found []Problem
	err   error
	asked *bool
}

func (f fakeChecker) Check(_ context.Context, repair bool) ([]Problem, error) {
	*f.asked = repair
	return f.found, f.err
}

func TestRunCollectsProblemsAndFailures(t *testing.T) {
	var askedA, askedB bool
	r := Run(context.Background(), true,
		Area{"images", fakeChecker{found: []Problem{{Area: "images", Subject: "sha256:1", Problem: "config blob missing"}}, asked: &askedA}},
		Area{"volumes", fakeChecker{err: errors.New("store closed"), asked: &askedB}},
	)
	if !askedA || !askedB {
		t.Fatal("repair was not passed to every checker")
	}
	if strings.Join(r.Checked, ",") != "images,volumes" {
		t.Fatalf("checked %v", r.Checked)
	}
	if len(r.Problems) != 2 || !strings.Contains(r.Problems[1].Problem, "store closed") {
		t.Fatalf("problems %+v", r.Problems)
	}
}

func TestRunCleanIsEmptyNotNil(t *testing.T) {
	var asked bool
	r := Run(context.Background(), false, Area{"images", fakeChecker{asked: &asked}})
	if r.Problems == nil || len(r.Problems) != 0 {
		t.Fatalf("problems %#v: a clean report encodes as []", r.Problems)
	}
}

func TestProblemString(t *testing.T) {
	p := Problem{Area: "networks", Subject: "bridge/abc", Problem: "endpoint of a container that is not running"}
	p.Fix(nil)
	if got := p.String(); got != "networks: bridge/abc: endpoint of a container that is not running (repaired)" {
		t.Fatal(got)
	}
	q := Problem{Area: "a", Subject: "b", Problem: "c"}
	q.Fix(errors.New("busy"))
	if !strings.HasSuffix(q.String(), "(repair failed: busy)") {
		t.Fatal(q.String())
	}
}
