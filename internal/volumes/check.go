package volumes

import (
	"context"
	"time"

	"github.com/berth/berth/internal/check"
)

// Check is the volume part of the store check: every user a volume
// records is a container, no storage is left without a record, and no
// volume filesystem stays mounted with no container using it. Repair
// forgets users that are no containers, takes idle mounts down and
// removes orphaned storage while it is empty (storage holding data is
// only reported: it may be someone's).
func (s *Service) Check(ctx context.Context, repair bool) ([]check.Problem, error) {
	vols, err := s.List()
	if err != nil {
		return nil, err
	}
	var out []check.Problem
	// A create records the container as a user of its volumes just before
	// it records the container: a user is missing only if it still is a
	// moment later.
	missing := func(id string) bool { _, err := s.containers.Get(id); return err != nil }
	var suspects [][2]string
	for _, v := range vols {
		for _, u := range v.Users {
			if missing(u) {
				suspects = append(suspects, [2]string{v.Name, u})
			}
		}
	}
	if len(suspects) > 0 {
		time.Sleep(userSettle)
	}
	for _, vu := range suspects {
		if v, u := vu[0], vu[1]; missing(u) {
			p := check.Problem{Area: "volumes", Subject: v, Problem: "records user " + u + ", which is no container"}
			if repair {
				p.Fix(s.RemoveUser(v, u))
			}
			out = append(out, p)
		}
	}
	leaks, err := s.Leaks()
	if err != nil {
		return out, err
	}
	for _, k := range leaks {
		p := check.Problem{Area: "volumes", Subject: k.Name, Problem: "filesystem mounted at " + k.Path + " with no container using it"}
		if k.Orphan {
			p.Problem = "storage " + k.Path + " that no volume record names"
		}
		if repair {
			p.Fix(s.Repair(ctx, k))
		}
		out = append(out, p)
	}
	return out, nil
}

// userSettle is how long a create is given to record its container.
const userSettle = time.Second
