package volumes

import (
	"context"

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
	for _, v := range vols {
		for _, u := range v.Users {
			if _, err := s.containers.Get(u); err == nil {
				continue
			}
			p := check.Problem{Area: "volumes", Subject: v.Name, Problem: "records user " + u + ", which is no container"}
			if repair {
				p.Fix(s.RemoveUser(v.Name, u))
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
