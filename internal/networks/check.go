package networks

import (
	"context"
	"os"
	"slices"
	"time"

	"github.com/berth/berth/internal/check"
	"github.com/berth/berth/internal/network"
)

// Check is the network part of the store check: no endpoint (address,
// veth, published port) or network namespace of a container that is gone
// (those of a recorded container that does not run are the containers
// area's, released with the rest of its run), no veth on Berth's bridges that no endpoint owns, and
// Berth's nftables table as the records make it. A container is looked at
// under its life-cycle lock: a start attaches endpoints before the record
// says running, and must not be seen half done. Repair releases the
// stale endpoints and namespaces, deletes stray veths and rebuilds the
// table, all of which the records say nobody uses.
func (s *Service) Check(ctx context.Context, repair bool) ([]check.Problem, error) {
	var out []check.Problem
	seen := map[string]bool{}
	for _, ep := range s.Endpoints("", "") {
		if seen[ep.ContainerID] {
			continue
		}
		seen[ep.ContainerID] = true
		out = append(out, s.checkHolder(ctx, ep.ContainerID, repair)...)
	}
	entries, err := os.ReadDir(s.netnsDir)
	if err != nil && !os.IsNotExist(err) {
		return out, err
	}
	for _, e := range entries {
		if !seen[e.Name()] {
			seen[e.Name()] = true
			out = append(out, s.checkHolder(ctx, e.Name(), repair)...)
		}
	}
	veths, err := s.strayVeths()
	if err != nil {
		return out, err
	}
	for _, v := range veths {
		p := check.Problem{Area: "networks", Subject: v, Problem: "veth on a Berth bridge that no endpoint owns"}
		if repair {
			p.Fix(network.DeleteLink(v))
		}
		out = append(out, p)
	}
	fw, err := s.FirewallProblem()
	if err != nil {
		return out, err
	}
	if fw != "" {
		p := check.Problem{Area: "networks", Subject: "nftables", Problem: fw}
		if repair {
			p.Fix(s.RebuildFirewall())
		}
		out = append(out, p)
	}
	return out, nil
}

// checkHolder checks that the container holding endpoints or a network
// namespace runs, and with repair releases what it holds when it does not.
func (s *Service) checkHolder(ctx context.Context, id string, repair bool) []check.Problem {
	unlock := s.containers.Lock(id)
	defer unlock()
	if _, err := s.containers.Get(id); err == nil {
		// A recorded container's network is checked with the rest of its
		// run, by the containers area (through the daemon's leftovers),
		// and released with it: one finding, one repair.
		return nil
	}
	state := "is gone"
	var held []string
	for _, ep := range s.Endpoints(id, "") {
		held = append(held, "endpoint "+ep.IP.String()+" on network "+ep.NetworkID[:12])
	}
	if network.NetNSMounted(s.NetNSPath(id)) {
		held = append(held, "network namespace "+s.NetNSPath(id))
	} else if _, err := os.Stat(s.NetNSPath(id)); err == nil {
		held = append(held, "namespace mount point "+s.NetNSPath(id))
	}
	var out []check.Problem
	for _, h := range held {
		out = append(out, check.Problem{Area: "networks", Subject: id, Problem: "container " + state + " but holds " + h})
	}
	if repair && len(out) > 0 {
		err := s.Teardown(ctx, id)
		if err == nil {
			err = network.DeleteNetNS(s.NetNSPath(id))
		}
		for i := range out {
			out[i].Fix(err)
		}
	}
	return out
}

// strayVeths are the veths without an endpoint that stay so: a
// container's release drops its endpoints before its namespace, and the
// kernel removes the namespace, and the veths with it, asynchronously (a
// second or more on a loaded host), so a veth may be ownerless for a while
// without being a leak. Suspects are looked at again until they are gone
// or vethPatience has passed; what remained every time is reported.
func (s *Service) strayVeths() ([]string, error) {
	suspects, err := s.StrayVeths()
	if err != nil || len(suspects) == 0 {
		return nil, err
	}
	deadline := time.Now().Add(vethPatience)
	for len(suspects) > 0 && time.Now().Before(deadline) {
		time.Sleep(settle)
		again, err := s.StrayVeths()
		if err != nil {
			return nil, err
		}
		suspects = slices.DeleteFunc(suspects, func(v string) bool { return !slices.Contains(again, v) })
	}
	return suspects, nil
}

// vethPatience bounds how long strayVeths waits for the kernel.
const vethPatience = 5 * time.Second

// settle is how long a finding that may be a step in progress is given
// before it is looked at again.
const settle = 300 * time.Millisecond
